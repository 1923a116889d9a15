// Command worker runs the Temporal worker of tenant directory syncs: SyncWorkflow and its
// activities, with a file store and a change handler that logs what it would do.
//
// It needs a Temporal server. For a local one, install the Temporal CLI and run
//
//	temporal server start-dev
//
// then, from contrib/temporal:
//
//	go run ./examples/worker -demo                      # tenant "demo": a fake Lattice of 1,000 people
//	go run ./examples/worker -tenants tenants.json      # real tenants
//
// and start syncs with the starter (go run ./examples/starter -h).
//
// A tenants file maps tenant IDs to credentials; keep it readable by the worker only
// (mode 0600). A product reads them from its secret store instead (see directories
// below); they never go into Temporal:
//
//	{
//	  "acme":   {"provider": "lattice",  "api_key": "..."},
//	  "globex": {"provider": "personio", "client_id": "...", "client_secret": "..."}
//	}
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	temporalsync "github.com/hrisconnect/hrisconnect/contrib/temporal"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/unified"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	hostPort := flag.String("address", envOr("TEMPORAL_ADDRESS", client.DefaultHostPort), "Temporal frontend address")
	namespace := flag.String("namespace", envOr("TEMPORAL_NAMESPACE", client.DefaultNamespace), "Temporal namespace")
	queue := flag.String("queue", "hrisconnect-sync", "task queue of the syncs")
	storeDir := flag.String("store", "hrisconnect-store", "directory of the snapshot store (personal data: keep it private)")
	tenantsFile := flag.String("tenants", "", "JSON file of tenant credentials")
	demo := flag.Bool("demo", false, `serve tenant "demo" from an in-process fake Lattice of 1,000 people`)
	flag.Parse()

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	dirs := &directories{creds: map[string]credentials{}, cache: map[string]unified.Directory{}}
	if *tenantsFile != "" {
		if err := dirs.load(*tenantsFile); err != nil {
			return err
		}
	}
	if *demo {
		srv := latticetest.NewServer(latticetest.WithGenerated(1, 1000))
		defer srv.Close()
		dirs.creds["demo"] = credentials{Provider: "lattice", APIKey: srv.APIKey, BaseURL: srv.URL}
	}
	if len(dirs.creds) == 0 {
		return errors.New("no tenants: give -tenants or -demo")
	}

	store, err := temporalsync.NewFileStore(*storeDir)
	if err != nil {
		return err
	}
	defer store.Close()

	c, err := client.Dial(client.Options{HostPort: *hostPort, Namespace: *namespace, Logger: tlog.NewStructuredLogger(logger)})
	if err != nil {
		return fmt.Errorf("connecting to Temporal at %s (is `temporal server start-dev` running?): %w", *hostPort, err)
	}
	defer c.Close()

	w := worker.New(c, *queue, worker.Options{
		// Heartbeats reach the server at most this long after the listing records them.
		// A worker killed outright resumes from the last heartbeat that reached it, so
		// this bounds how many pages a retry reads again (the default is 60 s).
		MaxHeartbeatThrottleInterval: 2 * time.Second,
	})
	temporalsync.Register(w, &temporalsync.Activities{
		Directories: dirs,
		Store:       store,
		Handler:     logChanges(logger),
	})

	logger.Info("worker started", "queue", *queue, "tenants", len(dirs.creds), "store", *storeDir)
	return w.Run(worker.InterruptCh()) // until SIGINT or SIGTERM
}

// logChanges is the change handler: where a product creates, updates and deactivates
// accounts. A change may arrive more than once (at-least-once delivery); a real
// handler records change.Key() with the effect, in the same transaction, and skips
// keys it has recorded.
func logChanges(logger *slog.Logger) temporalsync.Handler {
	return func(ctx context.Context, b *temporalsync.Batch) error {
		for _, ch := range b.Changes {
			attrs := []any{"tenant", b.TenantID, "kind", ch.Kind, "user", ch.User.ID, "key", ch.Key()}
			for _, f := range ch.Fields {
				attrs = append(attrs, "field", f.Field)
			}
			if ch.Reason != 0 {
				attrs = append(attrs, "reason", ch.Reason)
			}
			logger.InfoContext(ctx, "change", attrs...)
		}
		logger.InfoContext(ctx, "batch handed on", "tenant", b.TenantID, "batch", b.Index, "of", b.Count, "changes", len(b.Changes))
		return nil
	}
}

// credentials are one tenant's: a product keeps them in its secret store.
type credentials struct {
	Provider     string `json:"provider"` // "lattice" or "personio"
	APIKey       string `json:"api_key,omitempty"`
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	BaseURL      string `json:"base_url,omitempty"`
}

// directories is the worker's temporalsync.Directories: it makes each tenant's client
// once and keeps it, so that every sync of the tenant in this process shares the
// client's rate limit.
type directories struct {
	mu    sync.Mutex
	creds map[string]credentials
	cache map[string]unified.Directory
}

func (d *directories) load(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o077 != 0 {
		log.Printf("warning: %s is readable by others (mode %v); it holds credentials", path, info.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &d.creds); err != nil {
		return fmt.Errorf("reading tenants from %s: %w", path, err)
	}
	return nil
}

// Directory implements temporalsync.Directories.
func (d *directories) Directory(_ context.Context, tenantID string) (unified.Directory, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if dir, ok := d.cache[tenantID]; ok {
		return dir, nil
	}
	cr, ok := d.creds[tenantID]
	if !ok {
		return nil, fmt.Errorf("tenant %q: %w", tenantID, temporalsync.ErrUnknownTenant)
	}
	var dir unified.Directory
	switch cr.Provider {
	case "lattice":
		c, err := lattice.New(lattice.Config{APIKey: cr.APIKey, BaseURL: cr.BaseURL, UserAgent: "hrisconnect-temporal-example"})
		if err != nil {
			return nil, err
		}
		dir = c.Directory()
	case "personio":
		c, err := personio.New(personio.Config{ClientID: cr.ClientID, ClientSecret: cr.ClientSecret, BaseURL: cr.BaseURL})
		if err != nil {
			return nil, err
		}
		dir = c.Directory()
	default:
		return nil, fmt.Errorf("tenant %q: provider %q is not lattice or personio: %w", tenantID, cr.Provider, unified.ErrInvalidConfig)
	}
	d.cache[tenantID] = dir
	return dir, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
