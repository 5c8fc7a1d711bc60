package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/glebarez/go-sqlite"
)

func main() {
	n := flag.Int("n", 100000, "customers per side")
	database := flag.String("database", "", "store DSN (default: SQLite in the work directory)")
	changes := flag.Int("changes", 1000, "customers changed on each side before the incremental run")
	keep := flag.Bool("keep", false, "keep the work directory")
	shared := flag.Float64("shared", 0.6, "fraction of customers present on both sides (the rest are created on the other side)")
	flag.Parse()
	if *shared < 0 || *shared > 1 {
		log.Fatal("-shared must be within 0..1")
	}
	if err := run(*n, *changes, *database, *keep, *shared); err != nil {
		log.Fatal(err)
	}
}

func run(n, changes int, database string, keep bool, shared float64) error {
	dir, err := os.MkdirTemp("", "accord-bench-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	bin := filepath.Join(dir, "accord")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/accord").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sandbox := exec.CommandContext(ctx, bin, "sandbox", "lightspeed", "--customers", fmt.Sprint(n),
		"--seed", "1", "--rate-limit", "1000000000")
	out, err := sandbox.StdoutPipe()
	if err != nil {
		return err
	}
	if err := sandbox.Start(); err != nil {
		return err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	f := strings.Fields(line)
	base, token := f[0], f[1]

	up, err := simCustomers(base, token)
	if err != nil {
		return err
	}
	shop := filepath.Join(dir, "shop.db")
	t0 := time.Now()
	if err := seedShop(shop, up, n, shared); err != nil {
		return err
	}
	fmt.Printf("seeded %d local and %d upstream customers in %s\n", n, len(up), time.Since(t0).Round(time.Millisecond))
	if database == "" {
		database = "sqlite:" + filepath.Join(dir, "accord.db")
	}
	cfg := filepath.Join(dir, "accord.yaml")
	conf := fmt.Sprintf(`database: %q
pairs:
  - name: main
    local:
      dsn: sqlite:%s
      table: customers
      upstream_id: lightspeed_id
      fields: {email: email, first_name: first_name, last_name: last_name, phone: phone, account_code: account_no}
    upstream:
      type: lightspeed
      base_url: %s
      token: %s
    guard: {max_creates: 0, max_percent: 0}
`, database, shop, base, token)
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		return err
	}
	fmt.Printf("%-12s %10s %12s %10s %s\n", "run", "wall", "peak RSS", "API calls", "status")
	if err := measure(bin, cfg, "first"); err != nil {
		return err
	}
	if err := touch(shop, base, token, up, changes); err != nil {
		return err
	}
	if err := measure(bin, cfg, "incremental"); err != nil {
		return err
	}
	return measure(bin, cfg, "idle")
}

type summary struct {
	Status   string `json:"status"`
	APICalls int64  `json:"api_calls"`
	Error    string `json:"error"`
}

func measure(bin, cfg, name string) error {
	// The child's rusage would include this process's own memory at fork
	// time, so peak memory comes from GNU time, which measures the child
	// alone.
	rssFile := cfg + ".rss"
	cmd := exec.Command("/usr/bin/time", "-f", "%M", "-o", rssFile, bin, "run", "--config", cfg, "--json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return fmt.Errorf("%s run: %v\n%s", name, err, stderr.String())
	}
	var s summary
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
		return fmt.Errorf("%s run: %v: %s", name, err, stdout.String())
	}
	var rss int64
	if data, err := os.ReadFile(rssFile); err == nil {
		if kb, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil {
			rss = kb * 1024
		}
	}
	fmt.Printf("%-12s %10s %9.0f MiB %10d %s %s\n", name, wall.Round(time.Millisecond), float64(rss)/(1<<20), s.APICalls, s.Status, s.Error)
	return nil
}

type simCustomer struct {
	ID        string `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
	Code      string `json:"customer_code"`
}

func simCustomers(base, token string) ([]simCustomer, error) {
	req, _ := http.NewRequest(http.MethodGet, base+"/__sim/customers", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var cs []simCustomer
	return cs, json.NewDecoder(resp.Body).Decode(&cs)
}

// seedShop writes n local customers: the shared fraction are sandbox
// customers (one in six of those carrying the X-Series id), the rest exist
// only locally.
func seedShop(path string, up []simCustomer, n int, sharedFrac float64) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, first_name TEXT, last_name TEXT,
		email TEXT, phone TEXT, account_no TEXT, lightspeed_id TEXT, updated_at DATETIME NOT NULL)`); err != nil {
		return err
	}
	if _, err := db.Exec(`CREATE INDEX customers_feed ON customers (updated_at, id)`); err != nil {
		return err
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	stmt, err := tx.Prepare(`INSERT INTO customers (first_name, last_name, email, phone, account_no, lightspeed_id, updated_at) VALUES (?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	at := time.Now().UTC().Add(-24 * time.Hour)
	shared := int(float64(n) * sharedFrac)
	for i := range n {
		var c simCustomer
		lsid := any(nil)
		if i < shared && i < len(up) {
			c = up[i]
			if i%6 == 0 {
				lsid = c.ID
			}
		} else {
			c = simCustomer{FirstName: "Local", LastName: fmt.Sprint(i), Email: fmt.Sprintf("local%d@shop.nz", i)}
		}
		email := any(c.Email)
		if c.Email == "" {
			email = nil
		}
		if _, err := stmt.Exec(c.FirstName, c.LastName, email, c.Phone, nil, lsid, at.Add(time.Duration(i)*time.Millisecond)); err != nil {
			return err
		}
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	return tx.Commit()
}

// touch changes k local rows and k sandbox customers.
func touch(shop, base, token string, up []simCustomer, k int) error {
	db, err := sql.Open("sqlite", shop)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now().UTC()
	for i := range k {
		if _, err := db.Exec(`UPDATE customers SET phone = ?, updated_at = ? WHERE id = ?`,
			fmt.Sprintf("021 777 %04d", i), now.Add(time.Duration(i)*time.Microsecond), i*7+1); err != nil {
			return err
		}
	}
	for i := range min(k, len(up)) {
		c := up[len(up)-1-i*3]
		body := strings.NewReader(fmt.Sprintf(`{"note":"touched %d","phone":"021 888 %04d"}`, i, i))
		req, _ := http.NewRequest(http.MethodPut, base+"/api/2.0/customers/"+c.ID, body)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("touch upstream %s: %s", c.ID, resp.Status)
		}
	}
	return nil
}
