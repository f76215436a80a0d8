package fsutil

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically: a temporary file in the same
// directory is written, synced and renamed over path, then the directory is
// synced. A crash leaves either the old file or the new one, never a mix;
// a leftover temporary file (".name.tmp-*") is ignored by readers.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	ok = true
	syncDir(dir)
	return nil
}

// syncDir fsyncs a directory so a rename survives a power loss. It is best
// effort: some platforms cannot open a directory for syncing.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// IsTemp reports whether name is a temporary file left by WriteFile.
func IsTemp(name string) bool {
	base := filepath.Base(name)
	return len(base) > 0 && base[0] == '.' && containsTmp(base)
}

func containsTmp(s string) bool {
	for i := 0; i+5 <= len(s); i++ {
		if s[i:i+5] == ".tmp-" {
			return true
		}
	}
	return false
}

// MkdirPrivate creates dir (and parents) with mode 0700 and makes sure an
// existing dir is 0700 too.
func MkdirPrivate(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}
