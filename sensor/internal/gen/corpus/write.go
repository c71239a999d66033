package corpus

import (
	"errors"
	"os"
	"path/filepath"
)

// LabelsFile is the name of the labels file beside the captures.
const LabelsFile = "labels.json"

// WriteDir writes every case's capture and labels.json into dir.
func WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cases := Cases()
	var errs []error
	for _, c := range cases {
		errs = append(errs, os.WriteFile(filepath.Join(dir, c.File()), c.Gzip(), 0o644))
	}
	errs = append(errs, os.WriteFile(filepath.Join(dir, LabelsFile), Labels(cases), 0o644))
	return errors.Join(errs...)
}
