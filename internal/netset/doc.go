// Package netset is a small set of networks (CIDRs) read from
// configuration, asked whether it holds an address: the operator's
// internal networks (network.internal), which decide an alert's direction
// and how its source's behaviour is named. It holds a handful of prefixes
// and is searched linearly, without allocating.
package netset
