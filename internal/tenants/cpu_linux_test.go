package tenants

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// cpuSeconds is the CPU time the process has used so far, user and system, as the
// operating system counts it. The runtime's own estimate (runtime/metrics,
// /cpu/classes/...) counts the time a processor was busy, which on a machine shared with
// other processes includes the time the operating system gave its thread to another
// process: several times the CPU time used, when the machine is loaded.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// machineBusy is the CPU time every process of the machine has used so far, and the time
// the hypervisor gave the machine's processors to other machines (steal): the first line
// of /proc/stat without its idle and iowait columns.
func machineBusy() (float64, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return 0, false
	}
	const userHZ = 100 // the unit of /proc/stat on every Linux
	busy := 0
	for i, v := range f[1:9] { // user nice system idle iowait irq softirq steal
		if i == 3 || i == 4 {
			continue
		}
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return 0, false
		}
		busy += n
	}
	return float64(busy) / userHZ, true
}
