// Package testdata locates the shared conformance data (../shared/testdata
// beside the repository, or $HFCTL_TESTDATA) for tests.
package testdata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared test data folder, or "" if it is absent.
func Dir() string {
	if d := os.Getenv("HFCTL_TESTDATA"); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		return ""
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared", "testdata")
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				return d
			}
			return ""
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

// Require returns the shared test data folder, skipping the test when it
// is absent (CI fails earlier, in .ci/run, if it is missing). With
// HFCTL_REQUIRE_TESTDATA=1 a missing folder fails the test instead.
func Require(t testing.TB) string {
	t.Helper()
	d := Dir()
	if d == "" {
		if os.Getenv("HFCTL_REQUIRE_TESTDATA") == "1" {
			t.Fatal("shared test data not found: set HFCTL_TESTDATA or put it at ../shared/testdata")
		}
		t.Skip("shared test data not found (HFCTL_TESTDATA or ../shared/testdata)")
	}
	return d
}

// Path joins elements under the shared test data folder, skipping the test
// when the folder is absent.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	return filepath.Join(append([]string{Require(t)}, elem...)...)
}
