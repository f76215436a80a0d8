// Package narrate writes the words of a walkthrough: evidence packs, grounded
// prompts for per-clip narration, the PR description, the reviewer focus text
// and /trace answers; the groundedness checker that removes unsupported
// claims; an offline extractive writer; and voice synthesis through the small
// Writer and Voice interfaces. It sits between clipselect and render.
package narrate
