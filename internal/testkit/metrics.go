package testkit

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Scrape reads one sample from the Prometheus text endpoint base+"/metrics",
// named as the text format shows it, labels and all, e.g.
// portsnare_decoded_packets_total{result="probe"}.
func Scrape(base, sample string) (float64, error) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(base + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("reading %s/metrics: %w", base, err)
	}
	for line := range strings.SplitSeq(string(body), "\n") {
		if name, value, ok := strings.Cut(line, " "); ok && name == sample {
			v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil {
				return 0, fmt.Errorf("sample %q: %w", line, err)
			}
			return v, nil
		}
	}
	return 0, fmt.Errorf("no sample %s in %s/metrics", sample, base)
}
