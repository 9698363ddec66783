package wxpaytest

// WithAnswered makes the server call f with each request once its verdict
// is known, before the reply goes out, for a program that shows requests
// as they are answered (wxpay serve). f runs on the request's goroutine,
// so calls may come concurrently; the Received it gets is a copy.
// Requests never answered (the server closed first) are not passed.
func WithAnswered(f func(Received)) Option {
	return func(s *Server) { s.answered = f }
}

// answer passes rec to the WithAnswered function, if any.
func (s *Server) answer(rec *Received) {
	if s.answered == nil {
		return
	}
	s.mu.Lock()
	r := *rec
	s.mu.Unlock()
	r.Header = r.Header.Clone()
	r.Body = append([]byte(nil), r.Body...)
	s.answered(r)
}
