package main

// exampleHeader starts deploy/portsnare.example.yaml, which is
// renderYAML(defaultConfig(), exampleHeader); TestExampleConfig keeps the
// file equal to it.
const exampleHeader = `# portsnare example configuration: every key, set to its default.
#
# Generated from the configuration model (cmd/portsnare/config.go) by
#   go test ./cmd/portsnare -run TestExampleConfig -update
# so change the model, not this file.
#
# Use it with: portsnare run -c FILE, portsnare replay -c FILE ...
# Check it with: portsnare check-config -c FILE
#
# Every key can also be set in the environment as PORTSNARE_<SECTION>_<KEY>
# (detect.vertical_ports is PORTSNARE_DETECT_VERTICAL_PORTS). Flags override
# the environment, which overrides this file. Keys this file does not know are
# errors. Durations take a unit: 200ms, 5s, 2h.
`

// exampleConfig is the text of the example file.
func exampleConfig() string {
	return renderYAML(defaultConfig(), exampleHeader)
}
