// Package confdecode stores configuration values, as viper returns them,
// into Go values: the main configuration's keys (cmd/portsnare) and the
// allowlist rules, inline or from their own file, go through the same Into.
//
// Values arrive typed from YAML (numbers, booleans, lists, mappings, and
// timestamps viper's YAML reads as times) and as text from the environment
// and from files read with scalars kept as written, so text is parsed
// wherever a number, a boolean or a duration is expected. Into does not stop
// at the first problem: it reports every one, each naming where it is (a
// path such as "[2].schedule.weekly[0]") and what it found, and it rejects
// fields a struct does not have with a suggestion for a misspelt one.
//
// viper's own Unmarshal (mapstructure) is not used: its messages name Go
// types, it stops a struct at a hook's first error, and it cannot say
// "did you mean".
package confdecode
