package local

import (
	"encoding/base64"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tracepr/trace/internal/fsutil"
	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/render"
)

// ReportFile is the name of the page WriteReport writes.
const ReportFile = "report.html"

// Chapter is one entry of the report's chapter list.
type Chapter struct {
	Title string
	Start time.Duration
}

// ReportChapters lists a plan's segments as chapters.
func ReportChapters(p *render.Plan) []Chapter {
	out := make([]Chapter, len(p.Segments))
	for i, s := range p.Segments {
		out[i] = Chapter{Title: ChapterTitle(p, i), Start: s.Start}
	}
	return out
}

// ReportData is what the report page shows. Paths are relative to the
// report's folder, so the folder can be moved or zipped as a whole.
type ReportData struct {
	Title    string
	Subtitle string // e.g. the PR and the session
	Video    string // the walkthrough MP4
	Poster   string // its poster image
	Captions string // WebVTT captions
	Chapters string // WebVTT chapters
	// ChapterList is shown as links that seek the video.
	ChapterList []Chapter
	// TimelineSVG is an SVG document drawn by the caller; it is shown as an
	// image (embedded as a data: URI), so it cannot run scripts. Or give
	// TimelineImage, a relative path to an image file.
	TimelineSVG   string
	TimelineImage string
	// Markdown artefacts.
	Description     string
	Focus           string
	ContributionMap string
	// Notes lists what is missing or degraded (for example "ocr: …").
	Notes []string
}

// trackSrc returns a WebVTT file of the report folder as a data: URL.
func trackSrc(dir, rel string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return "", fmt.Errorf("report: read the track %s: %w: write it into %s before the report", rel, err, dir)
	}
	return "data:text/vtt;base64," + base64.StdEncoding.EncodeToString(redactVTT(b)), nil
}

// redactVTT redacts the text of a WebVTT file (its cue lines) like every
// other text of the page.
func redactVTT(b []byte) []byte { return []byte(redact.String(string(b))) }

// WriteReport writes dir/report.html: one self-contained page with the
// video and its chapters, the timeline picture, the description, the focus
// guide and the contribution map. It needs no server and no network: no
// external script, style or font; the only files it refers to are the
// relative media paths in d. All text is redacted and escaped.
func WriteReport(dir string, d ReportData) (string, error) {
	for _, p := range []string{d.Video, d.Poster, d.Captions, d.Chapters, d.TimelineImage} {
		if p != "" && (filepath.IsAbs(p) || strings.Contains(p, "://")) {
			return "", fmt.Errorf("report: %q is not a path relative to %s: give media paths relative to the report folder", p, dir)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("report folder %s: %w", dir, err)
	}
	e := html.EscapeString
	var b strings.Builder
	title := d.Title
	if title == "" {
		title = "trace walkthrough"
	}
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<title>" + e(redact.String(title)) + "</title>\n<style>" + reportCSS + "</style>\n</head>\n<body>\n")
	b.WriteString("<header><h1>" + e(redact.String(title)) + "</h1>")
	if d.Subtitle != "" {
		b.WriteString("<p class=\"sub\">" + e(redact.String(d.Subtitle)) + "</p>")
	}
	b.WriteString("</header>\n<main>\n")

	b.WriteString("<section id=\"walkthrough\"><h2>Walkthrough</h2>\n")
	if d.Video != "" {
		b.WriteString("<video id=\"video\" controls preload=\"metadata\"")
		if d.Poster != "" {
			b.WriteString(" poster=\"" + e(urlPath(d.Poster)) + "\"")
		}
		b.WriteString(">\n<source src=\"" + e(urlPath(d.Video)) + "\" type=\"video/mp4\">\n")
		// Tracks are inlined as data: URLs: from file:// every file is its
		// own origin, and the browser refuses a <track> from another one.
		// The .vtt files stay beside the page for players that want them.
		if d.Captions != "" {
			src, err := trackSrc(dir, d.Captions)
			if err != nil {
				return "", err
			}
			b.WriteString("<track kind=\"captions\" srclang=\"en\" label=\"Narration\" src=\"" + e(src) + "\" default>\n")
		}
		if d.Chapters != "" {
			src, err := trackSrc(dir, d.Chapters)
			if err != nil {
				return "", err
			}
			b.WriteString("<track kind=\"chapters\" srclang=\"en\" label=\"Chapters\" src=\"" + e(src) + "\">\n")
		}
		b.WriteString("</video>\n")
	} else {
		b.WriteString("<p class=\"empty\">No video was rendered.</p>\n")
	}
	if len(d.ChapterList) > 0 {
		b.WriteString("<ol class=\"chapters\">\n")
		for _, c := range d.ChapterList {
			fmt.Fprintf(&b, "<li><a href=\"#walkthrough\" data-t=\"%.3f\"><span class=\"t\">%s</span> %s</a></li>\n", c.Start.Seconds(), e(clock(c.Start)), e(redact.String(c.Title)))
		}
		b.WriteString("</ol>\n")
	}
	b.WriteString("</section>\n")

	if d.TimelineSVG != "" || d.TimelineImage != "" {
		src := urlPath(d.TimelineImage)
		if d.TimelineSVG != "" {
			src = "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(d.TimelineSVG))
		}
		b.WriteString("<section id=\"timeline\"><h2>Timeline</h2>\n<img class=\"timeline\" alt=\"Session timeline\" src=\"" + e(src) + "\">\n</section>\n")
	}
	for _, s := range []struct{ id, title, md string }{
		{"description", "Description", d.Description},
		{"focus", "Reviewer focus", d.Focus},
		{"contribution-map", "Contribution map", d.ContributionMap},
	} {
		if strings.TrimSpace(s.md) == "" {
			continue
		}
		b.WriteString("<section id=\"" + s.id + "\"><h2>" + s.title + "</h2>\n<div class=\"md\">\n" + MarkdownHTML(redact.String(s.md)) + "</div>\n</section>\n")
	}
	if len(d.Notes) > 0 {
		b.WriteString("<section id=\"notes\"><h2>Notes</h2>\n<ul>\n")
		for _, n := range d.Notes {
			b.WriteString("<li>" + e(redact.String(n)) + "</li>\n")
		}
		b.WriteString("</ul>\n</section>\n")
	}
	b.WriteString("</main>\n<footer>Made by trace on this machine; nothing here was uploaded.</footer>\n")
	b.WriteString("<script>" + reportJS + "</script>\n</body>\n</html>\n")
	p := filepath.Join(dir, ReportFile)
	if err := fsutil.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		return "", err
	}
	return p, nil
}

// urlPath turns a relative file path into a relative URL.
func urlPath(p string) string {
	parts := strings.Split(filepath.ToSlash(p), "/")
	for i, s := range parts {
		parts[i] = strings.NewReplacer("%", "%25", " ", "%20", "#", "%23", "?", "%3F", "\"", "%22").Replace(s)
	}
	return strings.Join(parts, "/")
}

func clock(d time.Duration) string {
	t := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", t/60, t%60)
}

const reportCSS = `
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--mute:#59636e;--line:#d1d9e0;--accent:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--mute:#9198a1;--line:#3d444d;--accent:#4493f8}}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:980px;margin:0 auto;padding:0 20px}
header h1{margin:24px 0 0}.sub{color:var(--mute);margin:4px 0 0}
section{border-top:1px solid var(--line);margin-top:24px;padding-top:8px}
video{width:100%;background:#000;border-radius:6px}
.chapters{columns:2;padding-left:20px}.chapters a{color:var(--accent);text-decoration:none}.t{font-variant-numeric:tabular-nums;color:var(--mute)}
img.timeline{width:100%;height:auto}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left}
pre{background:rgba(127,127,127,.12);padding:10px;overflow:auto;border-radius:6px}code{font-family:ui-monospace,monospace;font-size:90%}
footer{color:var(--mute);font-size:13px;margin:32px auto}
`

const reportJS = `
(function(){
  var v=document.getElementById('video');
  if(!v)return;
  document.querySelectorAll('a[data-t]').forEach(function(a){
    a.addEventListener('click',function(){v.currentTime=parseFloat(a.getAttribute('data-t'));v.play();});
  });
  var body=document.body;
  v.addEventListener('loadedmetadata',function(){body.setAttribute('data-video-duration',String(v.duration));});
  v.addEventListener('error',function(){body.setAttribute('data-video-error','1');});
  var src=v.querySelector('source');
  if(src)src.addEventListener('error',function(){body.setAttribute('data-video-error','1');});
  var loaded=0;
  v.querySelectorAll('track').forEach(function(t){
    t.addEventListener('load',function(){loaded++;body.setAttribute('data-tracks-loaded',String(loaded));});
    t.addEventListener('error',function(){body.setAttribute('data-track-error',t.kind);});
    if(t.kind==='chapters'&&t.track)t.track.mode='hidden';
  });
})();
`
