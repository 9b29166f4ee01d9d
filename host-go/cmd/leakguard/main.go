// Command leakguard finds and redacts leaked secrets in files, in a git
// repository's history, and in streams.
//
//	go install github.com/leakguard/leakguard/host-go/cmd/leakguard@latest
//
//	leakguard scan [flags] [path ...]    files and directories (default .)
//	leakguard scan [flags] -             standard input
//	leakguard scan [flags] --git [repo]  every line every commit added
//	leakguard redact [flags]             stdin to stdout, secrets replaced
//	leakguard rules [flags]              the active rules
//	leakguard version                    the version
//
// Exit status: 0 when nothing was found, 1 when secrets were found, 2 for a
// usage or runtime error (with a message on standard error).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit statuses.
const (
	exitClean    = 0
	exitFindings = 1
	exitError    = 2
)

const usage = `leakguard — find and redact leaked secrets

usage:
  leakguard scan [flags] [path ...]    scan files and directories (default: .)
  leakguard scan [flags] -             scan standard input
  leakguard scan [flags] --git [repo]  scan every line each commit added (default: .)
  leakguard redact [flags]             copy standard input to standard output, secrets redacted
  leakguard rules [flags]              list the active rules
  leakguard version                    print the version

Run 'leakguard <command> -h' for a command's flags.

exit status: 0 nothing found, 1 secrets found, 2 usage or runtime error
`

// env is what a command runs with; main passes the process's own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// getenv reads the environment (NO_COLOR, LEAKGUARD_CACHE_DIR).
	getenv func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// errUsageShown is a usage error whose message is already on stderr.
var errUsageShown = errors.New("usage error, already reported")

// usageError is a mistake on the command line: exit status 2, with the
// command's usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// run runs the command line args and returns the exit status.
func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitError
	}
	var (
		code int
		err  error
	)
	switch cmd, rest := args[0], args[1:]; cmd {
	case "scan":
		code, err = runScan(ctx, rest, e)
	case "redact":
		code, err = runRedact(ctx, rest, e)
	case "rules":
		code, err = runRules(ctx, rest, e)
	case "version", "--version", "-V":
		code, err = runVersion(ctx, rest, e)
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return exitClean
	default:
		err = usagef("unknown command %q", cmd)
	}
	if err == nil {
		return code
	}
	var uerr *usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitClean
	case errors.Is(err, errUsageShown):
	case errors.As(err, &uerr):
		fmt.Fprintf(e.stderr, "leakguard: %s\nRun 'leakguard help' for usage.\n", uerr.msg)
	case ctx.Err() != nil:
		fmt.Fprintln(e.stderr, "leakguard: interrupted")
	default:
		fmt.Fprintf(e.stderr, "leakguard: %s\n", strings.TrimPrefix(err.Error(), "leakguard: "))
	}
	return exitError
}

// parseFlags parses args with fs, allowing flags after positional
// arguments (`leakguard scan dir --format json`), and returns the
// positional arguments. Everything after "--" is positional.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			// The flag package has printed the problem and the usage.
			return nil, errUsageShown
		}
		// Parse stops at the first argument that is not a flag.
		args = fs.Args()
		if len(args) == 0 {
			return append(positional, tail...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func newFlagSet(name string, e env, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(e.stderr, help)
		fs.PrintDefaults()
	}
	return fs
}
