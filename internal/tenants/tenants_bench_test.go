package tenants

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hrisconnect/hrisconnect/unified"
)

// latency is every answer's response time.
const latency = 100 * time.Millisecond

// sampleEvery is how often the heap and the goroutines are read during a run.
const sampleEvery = 20 * time.Millisecond

// BenchmarkTenants runs T tenant syncs at once in one process and measures what the
// clients cost: T Directories, each of a client of its own (its own credentials and rate
// limiter, at the client's defaults), each listing the tenant's whole company through
// unified.Users, as a product's nightly full sync does, and counting the users.
//
// The server side costs next to nothing: one sync of the provider's fake was captured
// before the benchmark (tokens, catalog, pages), and every tenant's requests are answered
// from memory by the same replay transport, latency after the request, by a timer. Every
// tenant is served the same company; the clients share nothing but that transport.
//
// Metrics, for one run of T syncs:
//
//   - wall_s: from the first sync's start to the last one's end.
//   - floor_s: one tenant's floor at its client's default rate limit (docs/performance.md,
//     "The floor").
//   - x_bound: wall_s ÷ max(floor_s, cpu_s ÷ GOMAXPROCS). 1 means the tenants cost each
//     other nothing beyond the CPU they need.
//   - MB/sync: the peak heap in use (objects, live or not yet collected, and the free
//     space in their spans; runtime.MemStats.HeapInuse), above what it was before, read
//     every 20 ms, ÷ T.
//   - live_MB/sync: the same for the live heap the latest collection found.
//   - stack_MB/sync: the same for goroutine stacks.
//   - goroutines/sync: the peak number of goroutines above what it was before, ÷ T.
//   - cpu_s: the CPU time the process used, user and system, as the operating system
//     counts it (see cpuSeconds); cpu_s/Musers: per million users listed; cpu_util:
//     cpu_s ÷ (wall_s · GOMAXPROCS), below 1 when the syncs left processors idle, or when
//     other processes of the machine had them.
//   - others_cores: the CPU time the machine's other processes used meanwhile (and the
//     hypervisor gave to other machines), ÷ wall_s: how many processors the run did not
//     have (Linux only). x_bound assumes it had them all: read it only from runs whose
//     others_cores is near 0.
func BenchmarkTenants(b *testing.B) {
	for _, p := range []provider{personioV1(1000), personioV2(100), latticeUsers(1000)} {
		b.Run(p.name, func(b *testing.B) {
			c, _, err := captureSync(b.Context(), &p)
			if err != nil {
				b.Fatal(err)
			}
			for _, tenants := range []int{1, 10, 100, 500} {
				b.Run(fmt.Sprintf("T=%d", tenants), func(b *testing.B) { benchTenants(b, &p, c, tenants) })
			}
		})
	}
}

func benchTenants(b *testing.B, p *provider, c *capture, tenants int) {
	floor := p.floor(c.requests(), latency)
	var sum run
	for b.Loop() {
		r, err := runTenants(b.Context(), p, c, tenants, latency)
		if err != nil {
			b.Fatal(err)
		}
		sum.add(r)
	}
	n := float64(b.N)
	wall := sum.wall.Seconds() / n
	cpu := sum.cpu / n
	t := float64(tenants)
	const mb = 1 << 20
	b.ReportMetric(wall, "wall_s")
	b.ReportMetric(floor.Seconds(), "floor_s")
	b.ReportMetric(wall/max(floor.Seconds(), cpu/float64(runtime.GOMAXPROCS(0))), "x_bound")
	b.ReportMetric(float64(sum.peak.heap)/mb/t, "MB/sync")
	b.ReportMetric(float64(sum.peak.live)/mb/t, "live_MB/sync")
	b.ReportMetric(float64(sum.peak.stacks)/mb/t, "stack_MB/sync")
	b.ReportMetric(float64(sum.peak.goroutines)/t, "goroutines/sync")
	b.ReportMetric(cpu, "cpu_s")
	b.ReportMetric(cpu/(wall*float64(runtime.GOMAXPROCS(0))), "cpu_util")
	b.ReportMetric(cpu/(t*float64(p.people))*1e6, "cpu_s/Musers")
	b.ReportMetric(float64(c.requests()), "requests/sync")
	if !math.IsNaN(sum.others) {
		b.ReportMetric(sum.others/n/wall, "others_cores")
	}
}

// run is what one run of T syncs measured.
type run struct {
	wall time.Duration
	cpu  float64 // seconds
	peak usage   // above the baseline
	// others is the CPU time the machine's other processes used meanwhile, seconds;
	// NaN where it is not known.
	others float64
}

// add sums wall and CPU time and keeps the highest peaks.
func (r *run) add(o run) {
	r.wall += o.wall
	r.cpu += o.cpu
	r.others += o.others
	r.peak = r.peak.max(o.peak)
}

// runTenants runs tenants syncs of p at once, every one answered from c by one replay
// transport with the given latency, and checks that every tenant listed all its users
// with exactly the captured requests.
func runTenants(ctx context.Context, p *provider, c *capture, tenants int, latency time.Duration) (run, error) {
	rp := &replay{cap: c, latency: latency}
	hc := &http.Client{Transport: rp}
	c.resetServed()

	runtime.GC()
	base := readUsage()
	busy0, busyOK := machineBusy()
	cpu0 := cpuSeconds()
	sampler := startSampler(base)
	start := time.Now()

	g, ctx := errgroup.WithContext(ctx)
	for i := range tenants {
		g.Go(func() error { return syncTenant(ctx, p, c, i, hc) })
	}
	err := g.Wait()

	r := run{wall: time.Since(start), cpu: cpuSeconds() - cpu0, peak: sampler.stop()}
	if busy1, ok := machineBusy(); ok && busyOK {
		r.others = max(busy1-busy0-r.cpu, 0)
	} else {
		r.others = math.NaN()
	}
	if err != nil {
		return r, err
	}
	return r, c.servedAsCaptured(rp, tenants)
}

// syncTenant builds tenant i's Directory and lists every user.
func syncTenant(ctx context.Context, p *provider, c *capture, i int, hc *http.Client) error {
	d, err := p.tenant(i, c.origin, hc)
	if err != nil {
		return err
	}
	n := 0
	for u, err := range unified.Users(ctx, d, nil) {
		if err != nil {
			return fmt.Errorf("tenant %d: %w", i, err)
		}
		if u.ID == "" {
			return fmt.Errorf("tenant %d: user %d has no ID", i, n)
		}
		n++
	}
	if n != p.people {
		return fmt.Errorf("tenant %d: %d users, want %d", i, n, p.people)
	}
	return nil
}

// usage is what the process holds at one moment.
type usage struct {
	heap, live, stacks uint64 // bytes
	goroutines         int
}

func (u usage) max(o usage) usage {
	return usage{max(u.heap, o.heap), max(u.live, o.live), max(u.stacks, o.stacks), max(u.goroutines, o.goroutines)}
}

// above returns u less base, each field at least 0.
func (u usage) above(base usage) usage {
	sub := func(a, b uint64) uint64 { return a - min(a, b) }
	return usage{sub(u.heap, base.heap), sub(u.live, base.live), sub(u.stacks, base.stacks), max(u.goroutines-base.goroutines, 0)}
}

var usageMetrics = []string{
	"/memory/classes/heap/objects:bytes", // heap in use is objects
	"/memory/classes/heap/unused:bytes",  // plus the free space of their spans
	"/gc/heap/live:bytes",
	"/memory/classes/heap/stacks:bytes",
}

func readUsage() usage {
	s := make([]metrics.Sample, len(usageMetrics))
	for i, name := range usageMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	return usage{
		heap:       s[0].Value.Uint64() + s[1].Value.Uint64(),
		live:       s[2].Value.Uint64(),
		stacks:     s[3].Value.Uint64(),
		goroutines: runtime.NumGoroutine(),
	}
}

// sampler reads the usage every sampleEvery until stopped, and keeps the peak.
type sampler struct {
	done chan struct{}
	peak chan usage
}

func startSampler(base usage) *sampler {
	s := &sampler{done: make(chan struct{}), peak: make(chan usage)}
	base.goroutines++ // the sampler's own
	go func() {
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		var peak usage
		for {
			peak = peak.max(readUsage().above(base))
			select {
			case <-s.done:
				s.peak <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// stop ends the sampling and returns the peak above the baseline.
func (s *sampler) stop() usage {
	close(s.done)
	return <-s.peak
}
