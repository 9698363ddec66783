//go:build race

package bills_test

// The race detector slows the bill generator down tenfold and makes pools
// drop what they hold, so the memory test runs smaller and looser there.
const raceEnabled = true
