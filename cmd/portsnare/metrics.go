package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/portsnare/portsnare/allowlist"
	"github.com/portsnare/portsnare/honeyport"
	"github.com/portsnare/portsnare/internal/enrich"
	"github.com/portsnare/portsnare/sensor"
	"github.com/portsnare/portsnare/sensor/publish"
)

// metrics exposes the sensor's counters to Prometheus. Values are read from
// the components' snapshots at scrape time, so the packet path keeps no
// Prometheus objects of its own.
type metrics struct {
	reg   *prometheus.Registry
	extra []func(ch chan<- prometheus.Metric)
	sens  *sensor.Sensor
	disp  *dispatcher
}

func newMetrics(s *sensor.Sensor, d *dispatcher) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), sens: s, disp: d}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), m)
	return m
}

var (
	descPackets = prometheus.NewDesc("portsnare_capture_packets_total",
		"Packets the kernel passed to the sensor (after its filter).", nil, nil)
	descDrops = prometheus.NewDesc("portsnare_capture_kernel_drops_total",
		"Packets the kernel dropped because the capture ring was full.", nil, nil)
	descDecoded = prometheus.NewDesc("portsnare_decoded_packets_total",
		"Packets by what decoding made of them.", []string{"result"}, nil)
	descSources = prometheus.NewDesc("portsnare_sources_tracked",
		"Source addresses whose state the engine holds.", nil, nil)
	descEvictions = prometheus.NewDesc("portsnare_source_evictions_total",
		"Sources evicted from the engine's state for room.", nil, nil)
	descUnjudged = prometheus.NewDesc("portsnare_engine_unjudged_total",
		"First contacts given up unjudged because the queue of contacts awaiting an answer was full.", nil, nil)
	descProbes = prometheus.NewDesc("portsnare_engine_events_total",
		"Probes and replies the engine has processed.", []string{"kind"}, nil)
	descAlerts = prometheus.NewDesc("portsnare_alerts_total",
		"Alerts raised, by action, phase and suppression (allowlist).", []string{"action", "phase", "suppressed"}, nil)
	descAlertsDropped = prometheus.NewDesc("portsnare_alerts_dropped_total",
		"Alerts that could not be queued for the sinks (logged each time).", nil, nil)
	descFragments = prometheus.NewDesc("portsnare_decoder_fragments_total",
		"IP fragments seen, and datagrams reassembled or given up (timed out, evicted for room).", []string{"result"}, nil)
	descTouches = prometheus.NewDesc("portsnare_honeyport_touches_total",
		"Decoy touches handed to the engine, and those dropped because it was behind.", []string{"result"}, nil)
)

// Describe implements prometheus.Collector.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPackets, descDrops, descDecoded, descFragments, descSources, descEvictions, descUnjudged,
		descProbes, descAlerts, descAlertsDropped, descTouches, descHPConns, descHPRejected, descHPAcceptErrors,
		descHPPorts, descHPQueueDropped, descHPReplies, descPubPublished, descPubSpooled, descPubSpoolBytes,
		descPubConnected, descPubDropped, descPubErrors, descALRules, descALReloads, descALLastReload, descALEpisodes, descALWindows} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	st := m.sens.Stats()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	counter(descPackets, st.KernelPackets)
	counter(descDrops, st.KernelDrops)
	counter(descDecoded, st.Decode.Probes, "probe")
	counter(descDecoded, st.Decode.Replies, "reply")
	counter(descDecoded, st.Decode.Ignored, "ignored")
	counter(descDecoded, st.Decode.Unsupported, "unsupported")
	counter(descDecoded, st.Decode.DecodeErrors, "error")
	counter(descDecoded, st.Decode.Truncated, "truncated")
	counter(descFragments, st.Decode.Fragments, "seen")
	counter(descFragments, st.Decode.Reassembled, "reassembled")
	counter(descFragments, st.Decode.ReassemblyTimeouts, "timeout")
	counter(descFragments, st.Decode.ReassemblyEvictions, "evicted")
	ch <- prometheus.MustNewConstMetric(descSources, prometheus.GaugeValue, float64(st.Engine.Sources))
	counter(descEvictions, st.Engine.Evictions)
	counter(descUnjudged, st.Engine.Unjudged)
	counter(descProbes, st.Engine.Probes, "probe")
	counter(descProbes, st.Engine.Replies, "reply")
	m.disp.eachCount(func(k alertKey, n uint64) {
		counter(descAlerts, n, string(k.action), string(k.phase), strconv.FormatBool(k.suppressed))
	})
	counter(descAlertsDropped, m.disp.Dropped())
	counter(descTouches, st.Touches, "accepted")
	counter(descTouches, st.TouchesDropped, "dropped")
	for _, f := range m.extra {
		f(ch)
	}
}

var (
	descHPConns = prometheus.NewDesc("portsnare_honeyport_connections_active",
		"Decoy connections open now.", nil, nil)
	descHPRejected = prometheus.NewDesc("portsnare_honeyport_rejected_total",
		"Decoy connections reset at once because a cap was reached.", nil, nil)
	descHPAcceptErrors = prometheus.NewDesc("portsnare_honeyport_accept_errors_total",
		"Failed accepts and UDP reads on decoys.", nil, nil)
	descHPPorts = prometheus.NewDesc("portsnare_honeyport_ports_held",
		"Ports with a decoy listening.", nil, nil)
	descHPQueueDropped = prometheus.NewDesc("portsnare_honeyport_queue_dropped_total",
		"Decoy touches dropped by the honeyport's own queue.", nil, nil)
	descHPReplies = prometheus.NewDesc("portsnare_honeyport_udp_replies_total",
		"UDP decoy replies, sent and withheld by the rate limit.", []string{"result"}, nil)
)

var (
	descPubPublished = prometheus.NewDesc("portsnare_nats_published_total",
		"Alerts acknowledged by JetStream (duplicates included).", nil, nil)
	descPubSpooled = prometheus.NewDesc("portsnare_nats_spooled_alerts",
		"Alerts in the on-disk spool waiting for an acknowledgement.", nil, nil)
	descPubSpoolBytes = prometheus.NewDesc("portsnare_nats_spool_bytes",
		"Size of the spool's files.", nil, nil)
	descPubConnected = prometheus.NewDesc("portsnare_nats_connected",
		"1 while the connection to NATS is up.", nil, nil)
	descPubDropped = prometheus.NewDesc("portsnare_nats_dropped_total",
		"Alerts that will never be published, by reason (each is logged).", []string{"reason"}, nil)
	descPubErrors = prometheus.NewDesc("portsnare_nats_errors_total",
		"Failed connection and publish attempts (retried).", nil, nil)
)

// addPublisher exports the NATS publisher's counters.
func (m *metrics) addPublisher(p *publish.Publisher) {
	m.extra = append(m.extra, func(ch chan<- prometheus.Metric) {
		st := p.Stats()
		ch <- prometheus.MustNewConstMetric(descPubPublished, prometheus.CounterValue, float64(st.Published))
		ch <- prometheus.MustNewConstMetric(descPubSpooled, prometheus.GaugeValue, float64(st.Spooled))
		ch <- prometheus.MustNewConstMetric(descPubSpoolBytes, prometheus.GaugeValue, float64(st.SpoolBytes))
		conn := 0.0
		if st.Connected {
			conn = 1
		}
		ch <- prometheus.MustNewConstMetric(descPubConnected, prometheus.GaugeValue, conn)
		for reason, n := range map[string]uint64{"queue": st.DroppedQueue, "spool": st.DroppedSpool, "write": st.DroppedWrite,
			"encode": st.DroppedEncode, "rejected": st.DroppedRejected, "closed": st.DroppedClosed, "corrupt": st.CorruptRecords} {
			ch <- prometheus.MustNewConstMetric(descPubDropped, prometheus.CounterValue, float64(n), reason)
		}
		ch <- prometheus.MustNewConstMetric(descPubErrors, prometheus.CounterValue, float64(st.Errors))
	})
}

var (
	descALRules = prometheus.NewDesc("portsnare_allowlist_rules",
		"Allowlist rules in force, and of them those past their expiry.", []string{"state"}, nil)
	descALReloads = prometheus.NewDesc("portsnare_allowlist_reloads_total",
		"Allowlist reloads, successful and rejected (the rules in force then stay).", []string{"result"}, nil)
	descALLastReload = prometheus.NewDesc("portsnare_allowlist_last_reload_timestamp_seconds",
		"When the rules in force were loaded.", nil, nil)
	descALEpisodes = prometheus.NewDesc("portsnare_allowlist_episodes_total",
		"Episodes of allowlisted sources per rule: suppressed (began in scope) and exceeded (left it).",
		[]string{"rule", "verdict"}, nil)
	descALWindows = prometheus.NewDesc("portsnare_allowlist_windows_total",
		"Closed windows of scheduled allowlist rules (and ended scans of unscheduled ones) per rule, by what the coverage report said: ran, missed (no probe from the rule's sources), unobserved (no probe, window not watched whole).",
		[]string{"rule", "result"}, nil)
)

// addAllowlist exports the allowlist's counters.
func (m *metrics) addAllowlist(l *allowlist.List, eps *allowlist.EpisodeCounter, wins *allowlist.WindowCounter) {
	m.extra = append(m.extra, func(ch chan<- prometheus.Metric) {
		st := l.Stats()
		ch <- prometheus.MustNewConstMetric(descALRules, prometheus.GaugeValue, float64(st.Rules), "loaded")
		ch <- prometheus.MustNewConstMetric(descALRules, prometheus.GaugeValue, float64(st.Expired), "expired")
		ch <- prometheus.MustNewConstMetric(descALReloads, prometheus.CounterValue, float64(st.Reloads), "ok")
		ch <- prometheus.MustNewConstMetric(descALReloads, prometheus.CounterValue, float64(st.ReloadFailures), "rejected")
		ch <- prometheus.MustNewConstMetric(descALLastReload, prometheus.GaugeValue, float64(st.LastReload.Unix()))
		for rule, n := range eps.Counts() {
			ch <- prometheus.MustNewConstMetric(descALEpisodes, prometheus.CounterValue, float64(n.Suppressed), rule, "suppressed")
			ch <- prometheus.MustNewConstMetric(descALEpisodes, prometheus.CounterValue, float64(n.Exceeded), rule, "exceeded")
		}
		for k, n := range wins.Counts() {
			ch <- prometheus.MustNewConstMetric(descALWindows, prometheus.CounterValue, float64(n), k.Rule, string(k.Result))
		}
	})
}

var (
	descEnrichReloads = prometheus.NewDesc("portsnare_enrich_reloads_total",
		"Enrichment files (GeoIP databases, scanner lists) reloaded after a change or SIGHUP, and rejected (the previous ones kept).", []string{"result"}, nil)
	descEnrichLookupErrors = prometheus.NewDesc("portsnare_enrich_lookup_errors_total",
		"GeoIP records that could not be decoded; the alert went without them.", nil, nil)
)

// addEnrich exports the enricher's counters.
func (m *metrics) addEnrich(e *enrich.Enricher) {
	m.extra = append(m.extra, func(ch chan<- prometheus.Metric) {
		st := e.Stats()
		ch <- prometheus.MustNewConstMetric(descEnrichReloads, prometheus.CounterValue, float64(st.Reloads), "ok")
		ch <- prometheus.MustNewConstMetric(descEnrichReloads, prometheus.CounterValue, float64(st.Failures), "rejected")
		ch <- prometheus.MustNewConstMetric(descEnrichLookupErrors, prometheus.CounterValue, float64(st.LookupErrors))
	})
}

// addHoneyport exports the decoys' counters.
func (m *metrics) addHoneyport(d *honeyport.Decoys) {
	m.extra = append(m.extra, func(ch chan<- prometheus.Metric) {
		st := d.Stats()
		ch <- prometheus.MustNewConstMetric(descHPConns, prometheus.GaugeValue, float64(st.ActiveConns))
		ch <- prometheus.MustNewConstMetric(descHPRejected, prometheus.CounterValue, float64(st.Rejected))
		ch <- prometheus.MustNewConstMetric(descHPAcceptErrors, prometheus.CounterValue, float64(st.AcceptErrors))
		ch <- prometheus.MustNewConstMetric(descHPPorts, prometheus.GaugeValue, float64(st.PortsHeld))
		ch <- prometheus.MustNewConstMetric(descHPQueueDropped, prometheus.CounterValue, float64(st.TouchesDropped))
		ch <- prometheus.MustNewConstMetric(descHPReplies, prometheus.CounterValue, float64(st.UDPReplies), "sent")
		ch <- prometheus.MustNewConstMetric(descHPReplies, prometheus.CounterValue, float64(st.UDPRepliesLimited), "limited")
	})
}

// Serve serves /metrics and /healthz on addr until ctx ends.
func (m *metrics) Serve(ctx context.Context, addr string, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, "ok")
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("metrics.listen %q: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Info("serving metrics", "addr", ln.Addr().String())
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
