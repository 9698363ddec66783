<?php
// an editor backup: not the application.
$instance->v3->certificates->get();
