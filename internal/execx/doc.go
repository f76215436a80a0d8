// Package execx runs external tools (ffmpeg, git, tesseract…) for trace: it
// honours the context, captures stderr for error messages, and turns a
// missing binary into one clear error that says how to install it.
package execx
