package transport

import "testing"

func TestResponseOK(t *testing.T) {
	for code, want := range map[int]bool{199: false, 200: true, 204: true, 299: true, 300: false, 404: false, 500: false} {
		if got := (&Response{StatusCode: code}).OK(); got != want {
			t.Errorf("status %d: OK() = %v", code, got)
		}
	}
}
