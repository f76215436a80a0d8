package videodb

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// MediaType says what an upload is. Empty lets the server decide.
type MediaType string

// Media types.
const (
	MediaVideo MediaType = "video"
	MediaAudio MediaType = "audio"
	MediaImage MediaType = "image"
)

// UploadRequest describes an upload, from a local file (Client.UploadFile)
// or from a URL (Client.UploadURL).
type UploadRequest struct {
	Collection  string    // "" means the client's collection
	Path        string    // the local file (UploadFile)
	URL         string    // a public, YouTube or S3 URL (UploadURL)
	Name        string    // default: the file's base name without extension
	Description string    //
	MediaType   MediaType // "" lets the server decide
	// CallbackURL, when set, may make the server answer at once and POST
	// the result there; the call then returns an *AcceptedError.
	CallbackURL string
	// Progress, when set, is called as the file's bytes are sent, with the
	// bytes sent so far and the file's size. It restarts from zero when an
	// interrupted upload is retried.
	Progress func(sent, total int64)
}

// Uploaded is the media an upload created. The id's prefix decides which
// field is set: "m-" Video, "a-" Audio, "img-" Image.
type Uploaded struct {
	ID    string
	Video *Video
	Audio *Audio
	Image *Image
}

// UploadURL uploads media from a URL in one call.
func (c *Client) UploadURL(ctx context.Context, r UploadRequest) (*Uploaded, error) {
	if r.URL == "" {
		return nil, fmt.Errorf("videodb: UploadURL needs UploadRequest.URL")
	}
	return c.createUpload(ctx, r, r.URL)
}

// UploadFile uploads a local file in the API's three steps: it asks for a
// presigned URL, sends the file there as multipart/form-data (streamed
// from disk, never held in memory), then registers the upload as media.
//
// The file transfer is retried after a dropped connection or a 5xx: a
// repeated POST to the same presigned URL replaces the bytes and cannot
// create a second video. The final registration is not retried on 5xx,
// since a repeat after a lost answer could create a duplicate.
func (c *Client) UploadFile(ctx context.Context, r UploadRequest) (*Uploaded, error) {
	st, err := os.Stat(r.Path)
	if err != nil {
		return nil, fmt.Errorf("videodb: upload %s: %w", r.Path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("videodb: upload %s: it is a directory, give a media file", r.Path)
	}
	if r.Name == "" {
		base := filepath.Base(r.Path)
		r.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	target, err := c.UploadTarget(ctx, r.Collection, r.Name)
	if err != nil {
		return nil, err
	}
	if err := c.putFile(ctx, target, r.Path, st.Size(), r.Progress); err != nil {
		return nil, err
	}
	return c.createUpload(ctx, r, target)
}

// UploadTarget asks for a presigned upload URL (GET
// collection/{id}/upload_url?name=).
func (c *Client) UploadTarget(ctx context.Context, collection, name string) (string, error) {
	var out struct {
		UploadURL string `json:"upload_url"`
	}
	q := url.Values{}
	if name != "" {
		q.Set("name", name)
	}
	err := c.call(ctx, &request{method: http.MethodGet, path: "collection/" + url.PathEscape(c.coll(collection)) + "/upload_url", query: q}, &out)
	if err == nil && out.UploadURL == "" {
		err = fmt.Errorf("videodb: upload_url answer has no upload_url: %w", ErrMalformed)
	}
	return out.UploadURL, err
}

// multipartBody lays out a single-part form around a file so that its
// exact length is known up front (presigned URLs want Content-Length) and
// the file is read straight from disk.
func multipartBody(field, filename, contentType string) (head, tail []byte, formType string) {
	var rnd [16]byte
	_, _ = rand.Read(rnd[:])
	boundary := "videodb-go-" + hex.EncodeToString(rnd[:])
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.SetBoundary(boundary)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, strings.ReplaceAll(filename, `"`, "")))
	h.Set("Content-Type", contentType)
	_, _ = w.CreatePart(h)
	head = bytes.Clone(b.Bytes())
	tail = []byte("\r\n--" + boundary + "--\r\n")
	return head, tail, w.FormDataContentType()
}

// putFile POSTs a file to a presigned URL as the multipart part "file".
func (c *Client) putFile(ctx context.Context, target, path string, size int64, progress func(sent, total int64)) error {
	head, tail, ct := multipartBody("file", filepath.Base(path), "application/octet-stream")
	open := func() (io.ReadCloser, string, int64, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, "", 0, fmt.Errorf("videodb: upload %s: %w", path, err)
		}
		var src io.Reader = f
		if progress != nil {
			progress(0, size)
			src = &progressReader{r: f, total: size, fn: progress}
		}
		body := io.MultiReader(bytes.NewReader(head), io.LimitReader(src, size), bytes.NewReader(tail))
		return readCloser{body, f}, ct, int64(len(head)) + size + int64(len(tail)), nil
	}
	return c.postUpload(ctx, target, open, "upload "+filepath.Base(path))
}

// putBytes POSTs an in-memory payload (a timeline or prompt) to a presigned URL.
func (c *Client) putBytes(ctx context.Context, target, filename, contentType string, data []byte) error {
	head, tail, ct := multipartBody("file", filename, contentType)
	open := func() (io.ReadCloser, string, int64, error) {
		body := io.MultiReader(bytes.NewReader(head), bytes.NewReader(data), bytes.NewReader(tail))
		return io.NopCloser(body), ct, int64(len(head) + len(data) + len(tail)), nil
	}
	return c.postUpload(ctx, target, open, "upload "+filename)
}

func (c *Client) postUpload(ctx context.Context, target string, open func() (io.ReadCloser, string, int64, error), what string) error {
	// Retried on 5xx and dropped connections: the presigned URL names one
	// object, so a repeat overwrites it. No API headers go to the
	// presigned URL: it may belong to a storage service.
	r := &request{method: http.MethodPost, path: target, stream: open, noAuth: true, retryPOST: true, description: what}
	res, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	if res.status < 200 || res.status >= 300 {
		msg, code := messageOf(res.body)
		return &RequestError{Method: http.MethodPost, Path: redactURL(target), Status: res.status, Message: msg, Code: code}
	}
	return nil
}

// redactURL drops a presigned URL's query (its signature) for error messages.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		u.RawQuery = ""
		return u.String()
	}
	return s
}

type readCloser struct {
	io.Reader
	io.Closer
}

type progressReader struct {
	r     io.Reader
	sent  int64
	total int64
	fn    func(sent, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.sent += int64(n)
		p.fn(p.sent, p.total)
	}
	return n, err
}

// createUpload registers uploaded bytes (or a remote URL) as media.
func (c *Client) createUpload(ctx context.Context, r UploadRequest, source string) (*Uploaded, error) {
	body := map[string]any{
		"url":          source,
		"name":         nullable(r.Name),
		"description":  nullable(r.Description),
		"callback_url": nullable(r.CallbackURL),
		"media_type":   nullable(string(r.MediaType)),
	}
	// Not retried on 5xx or a dropped connection: the server may have
	// created the media before the answer was lost.
	req := &request{method: http.MethodPost, path: "collection/" + url.PathEscape(c.coll(r.Collection)) + "/upload", body: body}
	data, err := c.callRaw(ctx, req)
	if err != nil {
		return nil, err
	}
	return decodeUploaded(c, req, data)
}

func decodeUploaded(c *Client, req *request, data []byte) (*Uploaded, error) {
	var head struct {
		ID string `json:"id"`
	}
	if err := c.decodeData(req, data, &head); err != nil {
		return nil, err
	}
	out := &Uploaded{ID: head.ID}
	var err error
	switch {
	case strings.HasPrefix(head.ID, "m-"):
		out.Video = new(Video)
		err = c.decodeData(req, data, out.Video)
	case strings.HasPrefix(head.ID, "a-"):
		out.Audio = new(Audio)
		err = c.decodeData(req, data, out.Audio)
	case strings.HasPrefix(head.ID, "img-"):
		out.Image = new(Image)
		err = c.decodeData(req, data, out.Image)
	default:
		err = fmt.Errorf("videodb %s: %w: media id %q has no known prefix (m-, a-, img-)", req.what(), ErrMalformed, head.ID)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// nullable sends an empty string as JSON null, as the reference SDK does
// for unset optional keys.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
