package redisstore_test

import (
	"bufio"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/notify"
	"github.com/wxpay-go/wechatpay/redisstore"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// instanceEnv, set to a Redis address, makes the test binary run as one
// instance of a merchant's service (runInstance) instead of the tests.
const instanceEnv = "WECHATPAY_REDISSTORE_INSTANCE"

// runInstance serves APIv3 callbacks on 127.0.0.1 with its own Redis
// client and verifier: it prints "url URL", serves until its standard
// input closes, then prints "accepted N" and exits.
func runInstance() int {
	key, err := keys.PublicKey(os.Getenv("WECHATPAY_PLATFORM_KEY"))
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	client := redis.NewClient(&redis.Options{Addr: os.Getenv(instanceEnv)})
	defer client.Close()
	v := &notify.Verifier{
		Keys:     signer.StaticKeys{os.Getenv("WECHATPAY_PLATFORM_KEY_ID"): key},
		APIv3Key: os.Getenv("WECHATPAY_APIV3_KEY"),
		Replay:   &redisstore.ReplayGuard{Client: client},
	}
	var accepted atomic.Int64
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := v.Parse(r)
		if err == nil {
			accepted.Add(1)
		} else if !errors.Is(err, notify.ErrReplay) {
			fmt.Println("error", err)
		}
		notify.Reply(w, err)
	}))
	fmt.Println("url", "http://"+l.Addr().String())
	io.Copy(io.Discard, os.Stdin)
	l.Close()
	fmt.Println("accepted", accepted.Load())
	return 0
}

// process is an instance running as a process of its own.
type process struct {
	url   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
}

func startProcess(t *testing.T, rs *redisServer, srv *wxpaytest.Server) *process {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(srv.PlatformPublicKey())
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		instanceEnv+"="+rs.Addr,
		"WECHATPAY_PLATFORM_KEY="+string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		"WECHATPAY_PLATFORM_KEY_ID="+srv.PlatformKeyID,
		"WECHATPAY_APIV3_KEY="+srv.APIv3Key)
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout)}
	t.Cleanup(func() { p.stop() })
	line := p.line(t)
	url, ok := strings.CutPrefix(line, "url ")
	if !ok {
		t.Fatalf("the instance said %q", line)
	}
	p.url = url
	return p
}

func (p *process) line(t *testing.T) string {
	t.Helper()
	if !p.out.Scan() {
		t.Fatalf("the instance ended: %v", p.out.Err())
	}
	return p.out.Text()
}

// stop closes the instance's standard input, returns what it printed
// before it exited.
func (p *process) stop() []string {
	if p.stdin == nil {
		return nil
	}
	p.stdin.Close()
	p.stdin = nil
	var lines []string
	for p.out.Scan() {
		lines = append(lines, p.out.Text())
	}
	p.cmd.Wait()
	return lines
}

// The same callbacks reach three instances, each a process of its own
// with its own Redis client and verifier: each callback is taken by
// exactly one of them.
func TestReplayGuardProcesses(t *testing.T) {
	rs := startRedis(t)
	srv := wxpaytest.NewServer()
	defer srv.Close()
	const processes, callbacks = 3, 10
	var ps []*process
	for range processes {
		ps = append(ps, startProcess(t, rs, srv))
	}
	var cbs []captured
	for i := range callbacks {
		cbs = append(cbs, capture(t, srv, fmt.Sprintf("order-%d", i)))
	}
	statuses := map[int]int{}
	var mu sync.Mutex
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, p := range ps {
		for range 2 {
			wg.Go(func() {
				<-start
				for _, c := range cbs {
					s := deliver(t, p.url, c)
					mu.Lock()
					statuses[s]++
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()

	var accepted int
	for i, p := range ps {
		lines := p.stop()
		var n int
		if len(lines) == 0 || len(lines) > 1 {
			t.Errorf("process %d said %q, want only how many it accepted", i, lines)
		} else if _, err := fmt.Sscanf(lines[0], "accepted %d", &n); err != nil {
			t.Errorf("process %d said %q", i, lines[0])
		}
		accepted += n
	}
	deliveries := processes * 2 * callbacks
	if accepted != callbacks || statuses[http.StatusNoContent] != callbacks || statuses[http.StatusConflict] != deliveries-callbacks {
		t.Errorf("%d callbacks taken, replies %v; want %d taken, %d×204 and %d×409", accepted, statuses, callbacks, callbacks, deliveries-callbacks)
	}
	t.Logf("%d deliveries of %d callbacks to %d processes: %v", deliveries, callbacks, processes, statuses)
}
