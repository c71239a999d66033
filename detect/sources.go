package detect

import (
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// sourceTable holds per-source state in shards, each a segmented (2Q-style)
// LRU built from two golang-lru lists: new sources enter a small probation
// list and move to the protected list once they make a second distinct first
// contact. A flood of one-packet (typically spoofed) sources only churns
// probation, so it cannot push out a scanner whose state is being built up.
type sourceTable struct {
	shards []sourceShard
	free   []*source // recycled records
	gen    uint64
	evict  func(*source) // called for a source pushed out for room
	// moving suppresses the eviction callback while a record changes lists.
	moving    bool
	evictions uint64
	// front is a direct-mapped cache in front of the LRU lists. The lists'
	// Get (a map lookup and a list move) is the costliest step of a probe;
	// a source found here refreshes its recency at most once per
	// touchEvery of packet time, which is far finer than eviction needs.
	front [frontSlots]*source
}

const (
	frontSlots = 1 << 14
	touchEvery = time.Minute
)

type sourceShard struct {
	probation *simplelru.LRU[addrKey, *source]
	protected *simplelru.LRU[addrKey, *source]
}

func newSourceTable(maxSources, shards int, recentFraction float64, evict func(*source)) *sourceTable {
	st := &sourceTable{shards: make([]sourceShard, shards), evict: evict}
	per := maxSources / shards
	prob := int(float64(per) * recentFraction)
	if prob < 1 {
		prob = 1
	}
	prot := per - prob
	if prot < 1 {
		prot = 1
	}
	onEvict := func(_ addrKey, s *source) {
		if st.moving {
			return
		}
		st.evictions++
		if st.evict != nil {
			st.evict(s)
		}
		// Generation 0 is never given out: work queued for this source
		// (contacts awaiting their answer, deferred answers) sees it gone.
		s.gen = 0
		if fi := frontIndex(s.key); st.front[fi] == s {
			st.front[fi] = nil
		}
		st.free = append(st.free, s)
	}
	for i := range st.shards {
		// NewLRU fails only for a non-positive size, excluded above.
		st.shards[i].probation, _ = simplelru.NewLRU[addrKey, *source](prob, onEvict)
		st.shards[i].protected, _ = simplelru.NewLRU[addrKey, *source](prot, onEvict)
	}
	return st
}

func frontIndex(k addrKey) uint64 {
	return ((k.hi ^ k.lo) * 0x9e3779b97f4a7c15) >> (64 - 14) // top bits: frontSlots
}

func (st *sourceTable) shard(k addrKey) *sourceShard {
	h := (k.hi ^ k.lo) * 0x9e3779b97f4a7c15
	return &st.shards[(h>>32)%uint64(len(st.shards))]
}

// inFront returns the source with key k if the front holds it, nil
// otherwise, reading nothing else.
func (st *sourceTable) inFront(k addrKey) *source {
	if s := st.front[frontIndex(k)]; s != nil && s.key == k {
		return s
	}
	return nil
}

// peekKey is peek with the address's key already at hand.
func (st *sourceTable) peekKey(k addrKey) *source {
	if s := st.inFront(k); s != nil {
		return s
	}
	sh := st.shard(k)
	if s, ok := sh.protected.Peek(k); ok {
		return s
	}
	if s, ok := sh.probation.Peek(k); ok {
		return s
	}
	return nil
}

// get returns the source with key k, creating it in probation if new.
func (st *sourceTable) get(k addrKey, now ptime) (s *source, created bool) {
	fi := frontIndex(k)
	if s := st.front[fi]; s != nil && s.key == k && now.sub(s.touched) < touchEvery {
		return s, false
	}
	sh := st.shard(k)
	if s, ok := sh.protected.Get(k); ok {
		s.touched = now
		st.front[fi] = s
		return s, false
	}
	if s, ok := sh.probation.Get(k); ok {
		s.touched = now
		st.front[fi] = s
		return s, false
	}
	if n := len(st.free); n > 0 {
		s = st.free[n-1]
		st.free = st.free[:n-1]
	} else {
		s = new(source)
	}
	st.gen++
	s.reset(k, st.gen, now)
	s.touched = now
	sh.probation.Add(k, s)
	st.front[fi] = s
	return s, true
}

// promote moves s from probation to the protected list.
func (st *sourceTable) promote(s *source) {
	sh := st.shard(s.key)
	if _, ok := sh.probation.Peek(s.key); !ok {
		return
	}
	st.moving = true
	sh.probation.Remove(s.key)
	st.moving = false
	s.set(protected, true)
	sh.protected.Add(s.key, s)
}

// renew gives s a fresh generation (new episode, old contacts forgotten).
func (st *sourceTable) renew(s *source, now ptime) {
	st.gen++
	prot := s.is(protected)
	s.reset(s.key, st.gen, now)
	s.set(protected, prot)
}

func (st *sourceTable) len() int {
	n := 0
	for i := range st.shards {
		n += st.shards[i].probation.Len() + st.shards[i].protected.Len()
	}
	return n
}
