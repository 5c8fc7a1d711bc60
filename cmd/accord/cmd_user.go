package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/web"
)

func (a *app) userCommand() *cobra.Command {
	var cfgPath, database string
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage the people who may sign in to the dashboard",
		Args:  maxArgs(0),
		RunE:  func(cmd *cobra.Command, _ []string) error { return &usageError{errors.New("user: add or token EMAIL")} },
	}
	cmd.PersistentFlags().StringVar(&cfgPath, "config", "accord.yaml", "configuration file")
	cmd.PersistentFlags().StringVar(&database, "database", "", "store DSN (overrides the configuration's database)")
	open := func(cmd *cobra.Command) (*store.DB, error) {
		dsn, err := a.databaseDSN(cfgPath, database)
		if err != nil {
			return nil, err
		}
		return openStore(cmd.Context(), dsn, slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	}

	var passwordStdin bool
	add := &cobra.Command{
		Use:   "add EMAIL",
		Short: "Add a login: the password is asked for on a terminal, read with --password-stdin, or generated and printed",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			email := strings.TrimSpace(args[0])
			if !strings.Contains(email, "@") {
				return &usageError{fmt.Errorf("user add: %q is not an email address", email)}
			}
			password, generated, err := a.readPassword(cmd.InOrStdin(), passwordStdin)
			if err != nil {
				return err
			}
			hash, err := web.HashPassword(password)
			if err != nil {
				return &usageError{err}
			}
			db, err := open(cmd)
			if err != nil {
				return err
			}
			defer db.Close()
			u, err := db.CreateUser(cmd.Context(), email, hash)
			if errors.Is(err, engine.ErrConflict) {
				return fmt.Errorf("user add: %s already has a login", strings.ToLower(email))
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Added %s.\n", u.Email)
			if generated {
				fmt.Fprintf(a.stdout, "Password: %s\n", password)
			}
			return nil
		},
	}
	add.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")

	var name string
	token := &cobra.Command{
		Use:   "token EMAIL",
		Short: "Create an API token for a login and print it (it is stored only as a hash)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := open(cmd)
			if err != nil {
				return err
			}
			defer db.Close()
			u, err := db.FindUserByEmail(cmd.Context(), args[0])
			if errors.Is(err, engine.ErrNotFound) {
				return &usageError{fmt.Errorf("user token: no login %s; add it with accord user add", args[0])}
			}
			if err != nil {
				return err
			}
			tok, hash, prefix := web.NewAPIToken()
			if _, err := db.CreateAPIToken(cmd.Context(), u.ID, name, hash, prefix); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, tok)
			return nil
		},
	}
	token.Flags().StringVar(&name, "name", "cli", "a name to tell the token apart in the dashboard")
	cmd.AddCommand(add, token)
	return cmd
}

// readPassword gets a new password: from stdin's first line, from a
// terminal prompt (asked twice), or, with neither, generated.
func (a *app) readPassword(stdin io.Reader, fromStdin bool) (password string, generated bool, err error) {
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, fmt.Errorf("read password: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return web.GeneratePassword(), true, nil
	}
	fmt.Fprint(a.stderr, "Password (leave empty to generate one): ")
	p1, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(a.stderr)
	if err != nil {
		return "", false, fmt.Errorf("read password: %w", err)
	}
	if len(p1) == 0 {
		return web.GeneratePassword(), true, nil
	}
	fmt.Fprint(a.stderr, "Again: ")
	p2, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(a.stderr)
	if err != nil {
		return "", false, fmt.Errorf("read password: %w", err)
	}
	if string(p1) != string(p2) {
		return "", false, &usageError{errors.New("user add: the passwords differ")}
	}
	return string(p1), false, nil
}
