package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/port"
)

const portUsage = `usage: wxpay port [-main] [-var name=value]... [FILE|-]
       wxpay port [-json] [-o GODIR] [-var name=value]... DIR
  Print Go for the PHP (wechatpay-php) and Node (wechatpay-axios-plugin) chain calls
  in FILE (or standard input): statements for a function body with ctx and client in
  scope, headed by a "// imports:" line, or with -main a whole program whose client
  comes from -c config.json. -var gives a free variable (a JS shorthand property, a
  PHP $variable) its value: JSON for an object, array or quoted string, else text.
  What is not ported is listed on standard error, and the exit status is then 1.

  Given a directory, port the whole project: every PHP, JS and TS file outside
  vendor/, node_modules/, dist/, build/ and hidden directories. The report lists,
  per file, each call site (file:line, method, endpoint), its Go function and what
  was lost there and why, then the endpoints the project calls; -json prints it as
  JSON. -o writes one Go file per source file into GODIR (package ported), a
  function per call site. The exit status is 0 only when nothing was lost.
`

// portCmd is "wxpay port".
func portCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wxpay port", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, portUsage) }
	main := fs.Bool("main", false, "print a complete program")
	asJSON := fs.Bool("json", false, "with a directory: print the report as JSON")
	goDir := fs.String("o", "", "with a directory: write the Go files into this directory")
	var vars pairs
	fs.Var(&vars, "var", "free variable name=value (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return 2
	}
	opts := port.Options{Main: *main, Vars: map[string]any{}}
	for _, v := range vars {
		name, value, ok := strings.Cut(v, "=")
		if !ok {
			fmt.Fprintf(stderr, "wxpay port: -var %q: want name=value\n", v)
			return 2
		}
		opts.Vars[name] = varValue(value)
	}
	name := "-"
	if fs.NArg() == 1 {
		name = fs.Arg(0)
	}
	if st, err := os.Stat(name); err == nil && st.IsDir() && name != "-" {
		return portProject(name, *asJSON, *goDir, opts, stdout, stderr)
	}
	var src []byte
	var err error
	if name == "-" {
		src, err = io.ReadAll(stdin)
		name = "<stdin>"
	} else {
		src, err = os.ReadFile(name)
	}
	if err != nil {
		fmt.Fprintln(stderr, "wxpay port:", err)
		return 1
	}
	res, err := port.Convert(src, opts)
	for _, d := range res.Diagnostics {
		fmt.Fprintf(stderr, "%s:%d: %s\n", name, d.Line, d.Message)
	}
	if errors.Is(err, port.ErrNoSnippet) {
		fmt.Fprintf(stderr, "wxpay port: %s: no PHP or Node chain call found\n", name)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "wxpay port:", err)
		return 1
	}
	stdout.Write(res.Code)
	if len(res.Diagnostics) > 0 {
		fmt.Fprintf(stderr, "wxpay port: %d construct(s) not ported\n", len(res.Diagnostics))
		return 1
	}
	return 0
}

// varValue reads a -var value: JSON when it is an object, an array or a
// quoted string, otherwise the text itself (order numbers stay strings).
func varValue(s string) any {
	t := strings.TrimSpace(s)
	if t != "" && strings.IndexByte(`{["`, t[0]) >= 0 {
		var v any
		dec := json.NewDecoder(strings.NewReader(t))
		dec.UseNumber()
		if dec.Decode(&v) == nil && !dec.More() {
			return v
		}
	}
	return s
}

// portProject is "wxpay port DIR".
func portProject(dir string, asJSON bool, goDir string, opts port.Options, stdout, stderr io.Writer) int {
	rep, err := port.Project(os.DirFS(dir), opts)
	if err != nil {
		fmt.Fprintln(stderr, "wxpay port:", err)
		return 1
	}
	if goDir != "" {
		if err := os.MkdirAll(goDir, 0o755); err != nil {
			fmt.Fprintln(stderr, "wxpay port:", err)
			return 1
		}
		for _, f := range rep.Files {
			if f.Code == nil {
				continue
			}
			if err := os.WriteFile(filepath.Join(goDir, f.GoFile), f.Code, 0o644); err != nil {
				fmt.Fprintln(stderr, "wxpay port:", err)
				return 1
			}
		}
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "wxpay port:", err)
			return 1
		}
	} else {
		io.WriteString(stdout, rep.Text())
	}
	switch {
	case rep.CallSites == 0:
		fmt.Fprintf(stderr, "wxpay port: %s: no PHP or Node chain call found\n", dir)
		return 1
	case rep.Lost > 0:
		fmt.Fprintf(stderr, "wxpay port: %d of %d call sites lost something\n", rep.Lost, rep.CallSites)
		return 1
	}
	return 0
}
