package lattice

import "time"

// SetWaitHook installs the transport's wait hook in cfg, so tests sleep about nothing.
func SetWaitHook(cfg *Config, f func(time.Duration) time.Duration) { cfg.waitHook = f }

// SetClock replaces the directory's clock (cache expiry).
func (d *Directory) SetClock(now func() time.Time) { d.now = now }

// PeopleCached returns how many users the directory remembers.
func (d *Directory) PeopleCached() int { return d.people.len() }
