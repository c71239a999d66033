package sensor

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// ReplayStats describe a replay: per file and in total.
type ReplayStats struct {
	Files []FileStats

	// Packets read from all files.
	Packets uint64
	// Bytes read from the files (compressed bytes for gzip files).
	Bytes int64
	// PacketBytes is the captured packet data.
	PacketBytes int64
	// Decode counts what the decoder made of the packets.
	Decode DecodeStats
	// TruncatedFiles ended mid-record; DamagedFiles ended in another read
	// error. Both were replayed up to the damage.
	TruncatedFiles int
	DamagedFiles   int

	// Duration is the wall time the replay took.
	Duration time.Duration
	// FirstPacket and LastPacket span the packet time replayed.
	FirstPacket, LastPacket time.Time

	// Sources is the number of sources the engine tracked at the end.
	Sources int
	// Alerts counts alerts by "action/phase", as the engine reports them.
	Alerts map[string]uint64
	// Engine is everything the engine counted. Its probes and replies
	// differ from Decode's: only the engine tells a UDP answer from a
	// probe, and RepliesMatched says how many replies told the outcome of
	// a first contact, so a replay that raised nothing can still show
	// that it saw the traffic.
	Engine detect.Stats
}

// FileStats describe the replay of one file.
type FileStats struct {
	Path string
	// Format is "pcap" or "pcapng", with "+gzip" when compressed.
	Format string
	// LinkTypes lists the link types of the file's packets, in order of
	// first appearance.
	LinkTypes []LinkType

	Packets     uint64
	Bytes       int64 // read from the file (compressed bytes for gzip)
	PacketBytes int64
	Decode      DecodeStats
	Duration    time.Duration

	// Err is the read error that ended the file early, nil at a clean end;
	// Truncated tells that the file ended mid-record.
	Err       error
	Truncated bool
}

func (f *FileStats) addLinkType(l LinkType) {
	if !slices.Contains(f.LinkTypes, l) {
		f.LinkTypes = append(f.LinkTypes, l)
	}
}

// PacketsPerSecond is the replay's throughput in wall time.
func (s ReplayStats) PacketsPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Packets) / s.Duration.Seconds()
}

// Summary writes a human-readable summary of the replay.
func (s ReplayStats) Summary(w io.Writer) {
	fmt.Fprintf(w, "replayed %d file(s): %s packets, %s in %s (%s packets/s)\n",
		len(s.Files), grouped(s.Packets), byteSize(s.Bytes), s.Duration.Round(time.Millisecond),
		siCount(s.PacketsPerSecond()))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range s.Files {
		state := "ok"
		switch {
		case f.Truncated:
			state = "TRUNCATED mid-record"
		case f.Err != nil:
			state = "DAMAGED: " + f.Err.Error()
		}
		links := make([]string, len(f.LinkTypes))
		for i, l := range f.LinkTypes {
			links[i] = l.String()
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s packets\t%s\t%s\n", f.Path, f.Format, strings.Join(links, ","),
			grouped(f.Packets), byteSize(f.Bytes), state)
	}
	tw.Flush()
	d := s.Decode
	fmt.Fprintf(w, "decoded: %s probes, %s replies, %s ignored; %s unsupported, %s decode errors, %s truncated packets\n",
		grouped(d.Probes), grouped(d.Replies), grouped(d.Ignored), grouped(d.Unsupported),
		grouped(d.DecodeErrors), grouped(d.Truncated))
	if d.Fragments > 0 {
		fmt.Fprintf(w, "fragments: %s, %s datagrams reassembled, %s given up (%s timed out, %s evicted)\n",
			grouped(d.Fragments), grouped(d.Reassembled), grouped(d.ReassemblyTimeouts+d.ReassemblyEvictions),
			grouped(d.ReassemblyTimeouts), grouped(d.ReassemblyEvictions))
	}
	if s.TruncatedFiles+s.DamagedFiles > 0 {
		fmt.Fprintf(w, "damaged files: %d truncated, %d other\n", s.TruncatedFiles, s.DamagedFiles)
	}
	if !s.FirstPacket.IsZero() {
		fmt.Fprintf(w, "packet time: %s to %s (%s)\n", s.FirstPacket.UTC().Format(time.RFC3339),
			s.LastPacket.UTC().Format(time.RFC3339), s.LastPacket.Sub(s.FirstPacket).Round(time.Second))
	}
	fmt.Fprintf(w, "sources tracked: %d\n", s.Sources)
	var total uint64
	parts := make([]string, 0, len(s.Alerts))
	for _, k := range slices.Sorted(maps.Keys(s.Alerts)) {
		total += s.Alerts[k]
		parts = append(parts, fmt.Sprintf("%s %d", k, s.Alerts[k]))
	}
	if total == 0 {
		fmt.Fprintln(w, "alerts: none")
		return
	}
	fmt.Fprintf(w, "alerts: %d (%s)\n", total, strings.Join(parts, ", "))
}

// grouped formats n with thousands separators: 5,000,123.
func grouped(n uint64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// byteSize formats a byte count in binary units.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), -1
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTP"[i])
}
