<?php
// A dependency's own sample: not the application's code.
$instance->v3->pay->transactions->native->post(['json' => []]);
