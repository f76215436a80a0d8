package main

import (
	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/internal/execx"
)

// captureCheck is what `trace doctor` says about recording on this
// machine: which recorder `trace start` would use and why, how the active
// window is read, and what is missing with the fix for each.
type captureCheck struct {
	OK           bool     `json:"ok"` // a recording can be made (Problems may still hold warnings)
	Recorder     string   `json:"recorder,omitempty"`
	Reason       string   `json:"reason"`
	WindowSource string   `json:"window_source,omitempty"`
	Problems     []string `json:"problems,omitempty"` // each names the thing and the fix
}

// checkCapture inspects the environment and the tools a recording needs.
func (a *app) checkCapture() captureCheck {
	env := capture.EnvFromOS()
	var c captureCheck
	choice, err := capture.Detect(env)
	if err != nil {
		c.Reason = err.Error()
		c.Problems = append(c.Problems, err.Error())
		return c
	}
	c.Recorder, c.Reason = choice.Name, choice.Reason
	c.OK = true
	for _, tool := range recorderTools(choice.Name) {
		if _, err := execx.Look(tool); err != nil {
			c.OK = false
			c.Problems = append(c.Problems, err.Error())
		}
	}
	if _, name, err := capture.DetectWindowSource(env); err == nil {
		c.WindowSource = name
		tools := map[string][]string{"xdotool+xprop": {"xdotool", "xprop"}, "hyprctl": {"hyprctl"}, "swaymsg": {"swaymsg"}}[name]
		for _, tool := range tools {
			if _, err := execx.Look(tool); err != nil {
				c.Problems = append(c.Problems, "active window titles will not be recorded: "+err.Error())
			}
		}
	} else {
		c.Problems = append(c.Problems, err.Error())
	}
	if _, err := execx.Look("git"); err != nil {
		c.Problems = append(c.Problems, "git-ignored files will show up in the save log: "+err.Error())
	}
	return c
}
