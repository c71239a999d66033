//go:build linux

package block

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"syscall"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// NFT keeps the blocked addresses in two nftables sets of one inet table,
// through netlink: ipv4_addr and ipv6_addr sets with per-element timeouts,
// sized block.max_elements, and with block.create_rule a base chain at
// prerouting with priority raw holding one drop rule per set, so blocked
// sources are dropped before connection tracking spends an entry on them,
// for this host and for what it forwards alike.
type NFT struct {
	cfg        Config
	conn       *nftables.Conn
	table      *nftables.Table
	set4, set6 *nftables.Set
}

// NewNFT opens netlink and makes the table and sets when missing (and the
// chain with its rules when cfg.CreateRule); existing ones are kept, with
// their elements.
func NewNFT(cfg Config) (Setter, error) {
	conn, err := nftables.New(nftables.AsLasting())
	if err != nil {
		return nil, explainNFT(err, "opening netlink")
	}
	n := &NFT{cfg: cfg, conn: conn}
	if err := n.ensure(); err != nil {
		_ = conn.CloseLasting()
		return nil, err
	}
	return n, nil
}

// ensure makes the table, the sets and, if asked, the chain, in one batch.
// Adding what exists is no change, so it also repairs a ruleset flushed
// under a running service. The chain is flushed before its rules are
// added, so a restart never doubles them.
func (n *NFT) ensure() error {
	n.table = n.conn.AddTable(&nftables.Table{Name: n.cfg.Table, Family: nftables.TableFamilyINet})
	n.set4 = &nftables.Set{Table: n.table, Name: n.cfg.SetV4, KeyType: nftables.TypeIPAddr, HasTimeout: true, Size: uint32(n.cfg.MaxElements)}
	n.set6 = &nftables.Set{Table: n.table, Name: n.cfg.SetV6, KeyType: nftables.TypeIP6Addr, HasTimeout: true, Size: uint32(n.cfg.MaxElements)}
	for _, s := range []*nftables.Set{n.set4, n.set6} {
		if err := n.conn.AddSet(s, nil); err != nil {
			return fmt.Errorf("nftables set %s: %w", s.Name, err)
		}
	}
	if n.cfg.CreateRule {
		chain := n.conn.AddChain(&nftables.Chain{Name: n.cfg.Chain, Table: n.table, Type: nftables.ChainTypeFilter,
			Hooknum: nftables.ChainHookPrerouting, Priority: nftables.ChainPriorityRaw})
		n.conn.FlushChain(chain)
		n.conn.AddRule(&nftables.Rule{Table: n.table, Chain: chain, Exprs: dropFrom(n.set4, unix.NFPROTO_IPV4, 12, 4)})
		n.conn.AddRule(&nftables.Rule{Table: n.table, Chain: chain, Exprs: dropFrom(n.set6, unix.NFPROTO_IPV6, 8, 16)})
	}
	if err := n.conn.Flush(); err != nil {
		what := fmt.Sprintf("making table inet %s with sets %s and %s", n.cfg.Table, n.cfg.SetV4, n.cfg.SetV6)
		if n.cfg.CreateRule {
			what += " and chain " + n.cfg.Chain
		}
		return explainNFT(err, what)
	}
	return nil
}

// dropFrom is `meta nfproto P <family> saddr @set counter drop`: the source
// address at offset off of the network header, len bytes long.
func dropFrom(set *nftables.Set, proto byte, off, n uint32) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{proto}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: n},
		&expr.Lookup{SourceRegister: 1, SetName: set.Name, SetID: set.ID},
		&expr.Counter{},
		&expr.Verdict{Kind: expr.VerdictDrop},
	}
}

func (n *NFT) setOf(a netip.Addr) *nftables.Set {
	if a.Is4() {
		return n.set4
	}
	return n.set6
}

// Add puts a in its set. Replacing is a delete and an add in one batch,
// since adding an element that exists keeps its old expiry. An element
// that has expired meanwhile fails the delete (ENOENT): the add is then
// sent alone. A table deleted under the service (nft flush ruleset) is made
// again, once.
func (n *NFT) Add(a netip.Addr, timeout time.Duration, replace bool) error {
	err := n.add(a, timeout, replace)
	if err != nil && replace && errors.Is(err, syscall.ENOENT) {
		err = n.add(a, timeout, false)
	}
	if err != nil && errors.Is(err, syscall.ENOENT) {
		if err = n.ensure(); err == nil {
			err = n.add(a, timeout, false)
		}
	}
	if err != nil {
		return explainNFT(err, "adding "+a.String()+" to set "+n.setOf(a).Name)
	}
	return nil
}

func (n *NFT) add(a netip.Addr, timeout time.Duration, replace bool) error {
	set, key := n.setOf(a), a.AsSlice()
	if replace {
		if err := n.conn.SetDeleteElements(set, []nftables.SetElement{{Key: key}}); err != nil {
			return err
		}
	}
	if err := n.conn.SetAddElements(set, []nftables.SetElement{{Key: key, Timeout: timeout}}); err != nil {
		return err
	}
	return n.conn.Flush()
}

// Elements lists both sets.
func (n *NFT) Elements() (map[netip.Addr]time.Duration, error) {
	out := map[netip.Addr]time.Duration{}
	for _, s := range []*nftables.Set{n.set4, n.set6} {
		els, err := n.conn.GetSetElements(s)
		if err != nil {
			return nil, explainNFT(err, "listing set "+s.Name)
		}
		for _, e := range els {
			if a, ok := netip.AddrFromSlice(e.Key); ok {
				out[a] = e.Expires
			}
		}
	}
	return out, nil
}

// Close closes the netlink socket; the table, sets and elements stay.
func (n *NFT) Close() error { return n.conn.CloseLasting() }

// explainNFT names the cause behind the errors an operator meets first.
func explainNFT(err error, what string) error {
	switch {
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("nftables, %s: %w: portsnare block needs CAP_NET_ADMIN (run it as root, or with AmbientCapabilities=CAP_NET_ADMIN as deploy/portsnare-block.service does)", what, err)
	case errors.Is(err, syscall.EPROTONOSUPPORT), errors.Is(err, syscall.EAFNOSUPPORT):
		return fmt.Errorf("nftables, %s: %w: this kernel has no nf_tables (load it with modprobe nf_tables, or build it in)", what, err)
	case errors.Is(err, syscall.EEXIST):
		return fmt.Errorf("nftables, %s: %w: a set or chain of that name exists with another type or flags; rename it (block.set_v4, block.set_v6, block.chain) or delete it", what, err)
	case errors.Is(err, syscall.ENFILE):
		return fmt.Errorf("nftables, %s: %w: the set is full (its size is block.max_elements)", what, err)
	}
	return fmt.Errorf("nftables, %s: %w", what, err)
}
