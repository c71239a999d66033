// Command corpus writes portsnare's synthetic benchmark captures and their
// labels.json. Run it from the repository root after changing a case:
//
//	go run ./sensor/internal/gen/cmd/corpus [-out testdata/corpus/synthetic]
//
// The output depends on the code alone (every case has a fixed seed); the
// corpus package's tests check the committed files against it.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/portsnare/portsnare/sensor/internal/gen/corpus"
)

func main() {
	out := flag.String("out", "testdata/corpus/synthetic", "directory to write the captures and labels.json into")
	flag.Parse()
	if err := corpus.WriteDir(*out); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}
