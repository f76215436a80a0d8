// Package clipselect ranks a timeline's moments against a PR's diff and picks
// the clips a reviewer should watch, within a time budget, with an explicit
// score for each; it also ranks the diff's files for review (focus). Pure.
// It sits between timeline and narrate in the flow.
package clipselect
