package main

import (
	"flag"
	"os"
	"reflect"
	"testing"

	"github.com/spf13/pflag"
)

var update = flag.Bool("update", false, "rewrite deploy/portsnare.example.yaml from the configuration model")

const examplePath = "../../deploy/portsnare.example.yaml"

// TestExampleConfig keeps the example file equal to what the model
// generates, so it lists every key with its current default.
func TestExampleConfig(t *testing.T) {
	want := exampleConfig()
	if *update {
		if err := os.WriteFile(examplePath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is out of date: run go test ./cmd/portsnare -run TestExampleConfig -update", examplePath)
	}
}

// TestExampleConfigLoadsToDefaults: the example is a valid configuration,
// and loading it changes nothing.
func TestExampleConfigLoadsToDefaults(t *testing.T) {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fromFile, err := loadConfig(examplePath, fs)
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := loadConfig("", fs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromFile, defaults) {
		t.Errorf("loading the example gives\n%+v\nnot the defaults\n%+v", fromFile, defaults)
	}
}
