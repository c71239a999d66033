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

	"github.com/portsnare/portsnare/sensor"
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
	descProbes = prometheus.NewDesc("portsnare_engine_events_total",
		"Probes and replies the engine has processed.", []string{"kind"}, nil)
	descAlerts = prometheus.NewDesc("portsnare_alerts_total",
		"Alerts raised, by action, phase and suppression (allowlist).", []string{"action", "phase", "suppressed"}, nil)
	descAlertsDropped = prometheus.NewDesc("portsnare_alerts_dropped_total",
		"Alerts that could not be queued for the sinks (logged each time).", nil, nil)
	descTouches = prometheus.NewDesc("portsnare_honeyport_touches_total",
		"Decoy touches handed to the engine, and those dropped because it was behind.", []string{"result"}, nil)
)

// Describe implements prometheus.Collector.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPackets, descDrops, descDecoded, descSources, descEvictions,
		descProbes, descAlerts, descAlertsDropped, descTouches} {
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
	ch <- prometheus.MustNewConstMetric(descSources, prometheus.GaugeValue, float64(st.Engine.Sources))
	counter(descEvictions, st.Engine.Evictions)
	counter(descProbes, st.Engine.Probes, "probe")
	counter(descProbes, st.Engine.Replies, "reply")
	m.disp.eachCount(func(k alertKey, n uint64) {
		counter(descAlerts, n, k.action, k.phase, strconv.FormatBool(k.suppressed))
	})
	counter(descAlertsDropped, m.disp.Dropped())
	counter(descTouches, st.Touches, "accepted")
	counter(descTouches, st.TouchesDropped, "dropped")
	for _, f := range m.extra {
		f(ch)
	}
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
