// Package timeline turns a session's raw evidence (saves, speech, scenes,
// windows, agent activity) into one gap-free, tagged timeline of moments:
// progress, stuck, research, speech, agent and idle. It is pure: no I/O.
// It sits after indexing and before clipselect in the flow.
package timeline
