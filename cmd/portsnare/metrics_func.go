package main

import "github.com/prometheus/client_golang/prometheus"

// funcCollector is a collector of its own descriptors, read by its
// functions at scrape time: what fleet correlation adds to a registry
// without widening the sensor's collector.
type funcCollector struct {
	descs []*prometheus.Desc
	fns   []func(ch chan<- prometheus.Metric)
}

func (f *funcCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range f.descs {
		ch <- d
	}
}

func (f *funcCollector) Collect(ch chan<- prometheus.Metric) {
	for _, fn := range f.fns {
		fn(ch)
	}
}
