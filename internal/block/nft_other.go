//go:build !linux

package block

import (
	"errors"
	"runtime"
)

// NewNFT refuses: nftables is Linux's. --dry-run still works elsewhere.
func NewNFT(Config) (Setter, error) {
	return nil, errors.New("portsnare block keeps nftables sets, which only Linux has (this is " + runtime.GOOS + "); --dry-run shows its decisions anywhere")
}
