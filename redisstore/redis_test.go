package redisstore_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// quiet keeps go-redis from logging each failed dial while a test has
// stopped the server on purpose.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func TestMain(m *testing.M) {
	redis.SetLogger(quiet{})
	if os.Getenv(instanceEnv) != "" {
		os.Exit(runInstance())
	}
	os.Exit(m.Run())
}

// redisServer is a redis-server the test started on 127.0.0.1, in a
// temporary directory, without persistence.
type redisServer struct {
	Addr string
	cmd  *exec.Cmd
	dir  string
}

// startRedis starts a redis-server on a free port and stops it when the
// test ends. Without redis-server on PATH the test is skipped, unless
// WECHATPAY_REQUIRE_REDIS=1 (as in CI), where it fails.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "redis-server is not on PATH; install it (Debian, Ubuntu: apt-get install redis-server; macOS: brew install redis) to run the redisstore tests"
		if os.Getenv("WECHATPAY_REQUIRE_REDIS") == "1" {
			t.Fatal(msg + " (WECHATPAY_REQUIRE_REDIS=1)")
		}
		t.Skip(msg)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &redisServer{Addr: addr, dir: t.TempDir()}
	s.start(t, bin)
	return s
}

func (s *redisServer) start(t testing.TB, bin string) {
	t.Helper()
	_, port, _ := net.SplitHostPort(s.Addr)
	logfile := filepath.Join(s.dir, "redis.log")
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--dir", s.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", logfile)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting redis-server: %v", err)
	}
	s.cmd = cmd
	t.Cleanup(s.Kill)
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	for i := 0; ; i++ {
		if err := c.Ping(context.Background()).Err(); err == nil {
			return
		} else if i == 500 {
			log, _ := os.ReadFile(logfile)
			t.Fatalf("redis-server on %s does not answer: %v\n%s", s.Addr, err, log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Kill stops the server at once, as a crash would.
func (s *redisServer) Kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// Restart starts the server again on the same address, empty.
func (s *redisServer) Restart(t *testing.T) {
	t.Helper()
	s.Kill()
	bin, _ := exec.LookPath("redis-server")
	s.start(t, bin)
}

// Client returns a new client of the server, as an instance of a service
// has its own, closed when the test ends, and the counter of the round
// trips it makes, besides the handshake of each new connection (HELLO,
// CLIENT SETINFO).
func (s *redisServer) Client(t testing.TB) (*redis.Client, *atomic.Int64) {
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	t.Cleanup(func() { c.Close() })
	n := new(atomic.Int64)
	c.AddHook(countHook{n})
	return c, n
}

// handshake tells the commands go-redis sends on a new connection.
func handshake(cmd redis.Cmder) bool {
	name := cmd.Name()
	return name == "hello" || name == "client" || name == "auth" || name == "select"
}

// Commands returns how many times the server ran the command name
// (INFO commandstats), such as "set".
func (s *redisServer) Commands(t *testing.T, name string) int {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer c.Close()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "cmdstat_"+name+":calls="); ok {
			var n int
			fmt.Sscanf(rest, "%d", &n)
			return n
		}
	}
	return 0
}

// countHook counts the commands a client sends, a pipeline as one round
// trip.
type countHook struct{ n *atomic.Int64 }

func (h countHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !handshake(cmd) {
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && !handshake(cmds[0]) {
			h.n.Add(1)
		}
		return next(ctx, cmds)
	}
}
