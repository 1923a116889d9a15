//go:build !linux

package tenants

import "runtime/metrics"

// cpuSeconds estimates the CPU time the process has used so far: the time its processors
// were not idle, as the runtime accounts it. It overestimates on a loaded machine (see the
// Linux version, which asks the operating system).
func cpuSeconds() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/idle:cpu-seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64() - s[1].Value.Float64()
}

// machineBusy is not known here.
func machineBusy() (float64, bool) { return 0, false }
