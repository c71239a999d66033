package honeyport

import (
	"hash/maphash"
	"net/netip"
	"sync"
	"time"
)

// UDP sources are trivially spoofed, so a UDP decoy that answered freely
// would be a reflector. Replies are limited per source (token buckets in a
// fixed table: sources that hash alike share a budget, which only ever
// limits more) and in total, to globalReplyFactor times the per-source rate,
// so that spoofing many sources buys no more than that.
const (
	replySlots        = 4096
	globalReplyFactor = 64
)

type replyLimiter struct {
	mu     sync.Mutex
	rate   float64 // replies per second per source
	seed   maphash.Seed
	start  time.Time
	global bucket
	slots  [replySlots]bucket
}

type bucket struct {
	tokens float64
	last   time.Duration // since start; 0: never used, so full
}

func newReplyLimiter(rate float64) *replyLimiter {
	return &replyLimiter{rate: rate, seed: maphash.MakeSeed(), start: time.Now()}
}

func (r *replyLimiter) setRate(rate float64) {
	r.mu.Lock()
	r.rate = rate
	r.mu.Unlock()
}

// allow reports whether src may get a reply now, and if so spends it.
func (r *replyLimiter) allow(src netip.Addr, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rate <= 0 {
		return false
	}
	t := now.Sub(r.start) + 1 // never 0, which means "unused"
	s := &r.slots[maphash.Comparable(r.seed, sourceKey(src))%replySlots]
	s.refill(t, r.rate)
	r.global.refill(t, r.rate*globalReplyFactor)
	if s.tokens < 1 || r.global.tokens < 1 {
		return false
	}
	s.tokens--
	r.global.tokens--
	return true
}

// refill adds what rate earned since the bucket's last use; a bucket holds
// at most one second's worth, and at least one token's room.
func (b *bucket) refill(t time.Duration, rate float64) {
	burst := max(1, rate)
	if b.last == 0 {
		b.tokens = burst
	} else if t > b.last {
		b.tokens = min(burst, b.tokens+rate*(t-b.last).Seconds())
	}
	b.last = t
}
