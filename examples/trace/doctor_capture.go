package main

import (
	"context"
	"strings"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/internal/execx"
)

// checkCapture says which recorder `trace start` would use on this
// desktop and why, whether its tools are installed, and how the active
// window is read. Recording is optional for the local backend (recorded
// sessions can still be processed), so problems are WARN.
func checkCapture(ctx context.Context, a *app) []checkResult {
	env := capture.EnvFromOS()
	var out []checkResult
	choice, err := capture.Detect(env)
	if err != nil {
		out = append(out, checkResult{Name: "recorder", Status: checkWarn, Detail: "`trace start` cannot record this desktop", Fix: oneLine(err)})
	} else {
		r := checkResult{Name: "recorder", Status: checkPass, Detail: choice.Name + ": " + choice.Reason}
		var missingTools []string
		for _, tool := range recorderTools(choice.Name) {
			if _, err := execx.Look(tool); err != nil {
				missingTools = append(missingTools, tool)
				if h := execx.InstallHint(tool); h != "" && !strings.Contains(r.Fix, h) {
					r.Fix = strings.TrimPrefix(r.Fix+"; "+h, "; ")
				}
			}
		}
		if len(missingTools) > 0 {
			r.Status = checkWarn
			r.Detail = choice.Name + " needs " + strings.Join(missingTools, ", ") + ", which is not installed (" + choice.Reason + ")"
			if r.Fix == "" {
				r.Fix = "install " + strings.Join(missingTools, ", ")
			}
		}
		out = append(out, r)
	}
	_, name, err := capture.DetectWindowSource(env)
	if err != nil {
		return append(out, checkResult{Name: "active window", Status: checkWarn, Detail: oneLine(err), Fix: "nothing to do unless you want window titles in the timeline: record on X11, Sway, Hyprland, macOS or Windows"})
	}
	tools := map[string][]string{"xdotool+xprop": {"xdotool", "xprop"}, "hyprctl": {"hyprctl"}, "swaymsg": {"swaymsg"}}[name]
	for _, tool := range tools {
		if _, err := execx.Look(tool); err != nil {
			fix := execx.InstallHint(tool)
			if fix == "" {
				fix = "install " + tool
			}
			if tool == "xprop" {
				fix = "apt-get install x11-utils"
			}
			return append(out, checkResult{Name: "active window", Status: checkWarn, Detail: tool + " is not installed: window titles will not be recorded", Fix: fix})
		}
	}
	return append(out, checkResult{Name: "active window", Status: checkPass, Detail: "read with " + name + " (titles are redacted)"})
}
