package sqlite

import "fmt"

// Sync says how far a commit has reached when the store acknowledges it.
type Sync int

const (
	// SyncFull, the default, syncs the WAL to the disk in every commit
	// (SQLite's synchronous=FULL): an acknowledged change survives a power
	// cut or an operating system crash, as it does on PostgreSQL. The
	// writer commits in groups, so the writes of a group share one sync.
	SyncFull Sync = iota
	// SyncNormal syncs only when a checkpoint copies the WAL back
	// (synchronous=NORMAL): a commit survives the process being killed,
	// but a power cut may lose the last ones, never the file's
	// consistency. A lone write is then about twice as fast.
	SyncNormal
)

// String is the setting's name, as ParseSync reads it.
func (s Sync) String() string {
	if s == SyncNormal {
		return "normal"
	}
	return "full"
}

// Pragma is the DSN parameter that sets s on a connection.
func (s Sync) Pragma() string { return "_pragma=synchronous(" + s.String() + ")" }

// ParseSync reads "full" or "normal".
func ParseSync(name string) (Sync, error) {
	switch name {
	case "full":
		return SyncFull, nil
	case "normal":
		return SyncNormal, nil
	}
	return 0, fmt.Errorf("unknown SQLite sync %q: want full (every acknowledged change survives a power cut) or normal (it survives the process being killed)", name)
}

// Options are how Open may be told to run the store otherwise than by
// default.
type Options struct {
	Sync Sync
}
