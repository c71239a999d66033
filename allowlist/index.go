package allowlist

import (
	"cmp"
	"slices"
)

// index finds the rules whose sources cover an address, for one address
// family. CIDRs are either nested or disjoint, so the distinct source
// prefixes form a forest, and the address space splits into ranges each of
// which lies in exactly one innermost prefix, or in none. Lookup is a binary
// search over the range starts, then a walk up the (short) chain of
// enclosing prefixes; an uncovered address costs the search alone, with no
// allocation.
type index struct {
	starts []key   // sorted; range i is [starts[i], starts[i+1])
	owner  []int32 // innermost prefix (node) holding range i; -1 none
	nodes  []node
	rules  []int32 // the nodes' rule lists, back to back
}

// node is one distinct source prefix.
type node struct {
	parent int32 // the enclosing prefix; -1 none
	from   int32 // rules[from:to] are the rules listing this prefix, in order
	to     int32
}

// indexEntry is one source of one rule, for building.
type indexEntry struct {
	span
	rule int32
}

// lookup returns the innermost node covering k, or -1.
func (x *index) lookup(k key) int32 {
	lo, hi := 0, len(x.starts)
	for lo < hi { // first start > k
		m := int(uint(lo+hi) >> 1)
		if k.less(x.starts[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if lo == 0 {
		return -1
	}
	return x.owner[lo-1]
}

// buildIndex compiles entries (taken over) into an index.
func buildIndex(entries []indexEntry) index {
	// Outer prefixes before the inner ones they hold, so that a stack
	// sweep sees each prefix's parent before the prefix.
	slices.SortFunc(entries, func(a, b indexEntry) int {
		if a.lo != b.lo {
			return cmpKey(a.lo, b.lo)
		}
		if a.hi != b.hi {
			return -cmpKey(a.hi, b.hi)
		}
		return cmp.Compare(a.rule, b.rule)
	})
	var x index
	var spans []span
	for i, e := range entries {
		if i == 0 || e.span != entries[i-1].span {
			x.nodes = append(x.nodes, node{parent: -1, from: int32(len(x.rules))})
			spans = append(spans, e.span)
		}
		n := &x.nodes[len(x.nodes)-1]
		if n.to == 0 || x.rules[len(x.rules)-1] != e.rule { // a rule listing a source twice
			x.rules = append(x.rules, e.rule)
		}
		n.to = int32(len(x.rules))
	}

	var stack []int32
	top := func() int32 {
		if len(stack) == 0 {
			return -1
		}
		return stack[len(stack)-1]
	}
	// closeTo pops the prefixes that end before k; past each, the range
	// belongs to the prefix around it.
	closeTo := func(k key, all bool) {
		for len(stack) > 0 {
			s := spans[top()]
			if !all && !s.hi.less(k) {
				return
			}
			stack = stack[:len(stack)-1]
			if after, ok := s.hi.next(); ok {
				x.emit(after, top())
			}
		}
	}
	for i := range x.nodes {
		closeTo(spans[i].lo, false)
		x.nodes[i].parent = top()
		stack = append(stack, int32(i))
		x.emit(spans[i].lo, int32(i))
	}
	closeTo(key{}, true)
	return x
}

// emit starts a range at k owned by o. Starts arrive in ascending order; a
// second one at the same k overrides the first (an inner prefix ending
// where its parent does), and a range with its predecessor's owner extends
// the predecessor.
func (x *index) emit(k key, o int32) {
	n := len(x.starts)
	if n > 0 && x.starts[n-1] == k {
		x.starts, x.owner = x.starts[:n-1], x.owner[:n-1]
		n--
	}
	if n > 0 && x.owner[n-1] == o {
		return
	}
	if n == 0 && o == -1 {
		return // the space before the first prefix is uncovered anyway
	}
	x.starts = append(x.starts, k)
	x.owner = append(x.owner, o)
}

func cmpKey(a, b key) int {
	if a == b {
		return 0
	}
	if a.less(b) {
		return -1
	}
	return 1
}
