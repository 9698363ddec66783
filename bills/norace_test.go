//go:build !race

package bills_test

const raceEnabled = false
