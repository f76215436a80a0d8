// Package testutil holds what trace's tests share: NeedTool and NeedFile
// skip a test when a real tool (ffmpeg, Xvfb, tesseract…) is missing, or fail
// it when TRACE_REQUIRE_TOOLS is set, as CI does.
package testutil
