// Package latency is the delay model of the fake servers videodbtest and ghprtest:
// lognormal delays, seeded draws that repeat per request key, path patterns, a call log.
// Benchmarks and timing tests run pipelines against those fakes and rely on the same delays every run.
package latency
