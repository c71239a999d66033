package sensor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/portsnare/portsnare/detect"
)

// ReplayOptions configure Replay.
type ReplayOptions struct {
	// Files are read in order through one engine, as one capture: a scan
	// split over several files is one episode. pcap (either byte order,
	// micro- or nanosecond) and pcapng, each optionally gzip-compressed.
	Files []string
	// Engine configures the detection engine; start from detect.DefaultConfig.
	Engine detect.Config
	// Alerts is called for every alert, synchronously; nil discards them.
	Alerts func(*detect.Alert)
	// Progress, if not nil, receives a progress line rewritten in place with
	// \r: pass a terminal, nothing else.
	Progress io.Writer
	// Logger receives a line per file and warnings about damaged files; nil
	// discards them.
	Logger *slog.Logger
	// Policy, if set, is the allowlist the engine consults.
	Policy detect.Policy
}

// How often, in packets, the replay loop looks at the clock and the context.
const checkEvery = 4096

// Replay feeds capture files through a detection engine. It ticks the engine
// about once per second of packet time and flushes it after the last packet,
// so every open episode ends with its summary alert.
//
// Every file is checked before any is replayed, so a mistyped name or a file
// that is not a capture fails at once, with all such problems in one error.
// A file that ends mid-record or turns out damaged later is reported in the
// stats and logged as a warning, and the replay continues with the next
// file. When ctx ends, Replay stops reading, still flushes the engine, and
// returns ctx's error with the stats so far.
func Replay(ctx context.Context, opts ReplayOptions) (ReplayStats, error) {
	return replay(ctx, opts, pipelined)
}

// replay is Replay, run pipelined or on one goroutine (which the tests
// compare the pipeline against).
func replay(ctx context.Context, opts ReplayOptions, mode replayMode) (ReplayStats, error) {
	if len(opts.Files) == 0 {
		return ReplayStats{}, errors.New("replay: no capture files given")
	}
	if err := checkCaptures(opts.Files); err != nil {
		return ReplayStats{}, err
	}
	sink := opts.Alerts
	if sink == nil {
		sink = func(*detect.Alert) {}
	}
	eng, err := detect.New(opts.Engine, sink)
	if err != nil {
		return ReplayStats{}, fmt.Errorf("replay: engine configuration: %w", err)
	}
	eng.SetPolicy(opts.Policy)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if discardEvents {
		log.Warn("built with -tags benchfloor: every packet is read and decoded, then thrown away; nothing is detected")
	}
	r := &replayer{
		eng:      eng,
		log:      log,
		progress: progress{w: opts.Progress, files: len(opts.Files)},
		started:  time.Now(),
	}
	r.progress.start = r.started
	var runErr error
	if mode == serial {
		r.dec, r.ticks = NewDecoder(eng), eng
		runErr = r.readAll(ctx, opts.Files)
	} else {
		runErr = r.pipeline(ctx, opts.Files)
	}
	if r.clock.started {
		eng.Flush(r.clock.last)
	}
	r.progress.clear()
	return r.finish(), runErr
}

// readAll reads and decodes the files in order, handing what it decodes and
// the clock's ticks to r.dec's Handler and r.ticks.
func (r *replayer) readAll(ctx context.Context, files []string) error {
	for i, path := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		fs, err := r.replayFile(ctx, i, path)
		r.stats.Files = append(r.stats.Files, fs)
		if err != nil {
			return err
		}
	}
	return nil
}

// checkCaptures reads the header of every regular file, joining the
// errors. Pipes and other special files (bash's <(zcat ...)) are left to
// the replay itself: reading their first bytes here would consume them.
func checkCaptures(files []string) error {
	var errs []error
	for _, path := range files {
		st, err := os.Stat(path)
		switch {
		case err != nil:
			errs = append(errs, err)
			continue
		case st.IsDir():
			errs = append(errs, fmt.Errorf("%s: is a directory, not a capture file", path))
			continue
		case !st.Mode().IsRegular():
			continue
		}
		c, err := openCapture(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.close()
	}
	return errors.Join(errs...)
}

// replayer is the state of one Replay call.
type replayer struct {
	eng *detect.Engine
	// dec and ticks belong to the goroutine that reads: they call the
	// engine directly, or hand the calls to the engine's goroutine.
	dec             *Decoder
	ticks           ticker
	log             *slog.Logger
	progress        progress
	clock           packetClock
	stats           ReplayStats
	started         time.Time
	warnedBackwards bool
}

// replayFile replays one file. Only a failure to open it, or ctx ending, is
// an error; a damaged file is recorded in its FileStats.
func (r *replayer) replayFile(ctx context.Context, idx int, path string) (FileStats, error) {
	fs := FileStats{Path: path}
	c, err := openCapture(path)
	if err != nil {
		return fs, err
	}
	defer c.close()
	fs.Format = c.format
	r.log.Info("replaying capture", "file", path, "format", c.format, "size", c.size)

	began := time.Now()
	before := r.dec.Stats()
	r.progress.file(idx, path, c.size)
	var link LinkType
	var runErr error
	for {
		data, ts, l, err := c.src.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fs.Err = err
				fs.Truncated = errors.Is(err, io.ErrUnexpectedEOF)
			}
			break
		}
		fs.Packets++
		fs.PacketBytes += int64(len(data))
		if l != link || fs.Packets == 1 {
			fs.addLinkType(l)
			link = l
		}
		r.dec.Decode(l, ts, data)
		if back := r.clock.advance(r.ticks, ts); back > time.Second && !r.warnedBackwards {
			r.warnedBackwards = true
			r.warn("packet time went backwards; pass files in capture order", "file", path, "by", back)
		}
		if fs.Packets%checkEvery == 0 {
			if runErr = ctx.Err(); runErr != nil {
				break
			}
			r.progress.update(c.read.n, r.dec.stats.Packets, false)
		}
	}
	fs.Bytes = c.read.n
	fs.Decode = r.dec.Stats().sub(before)
	fs.Duration = time.Since(began)
	r.progress.update(c.read.n, r.dec.stats.Packets, true)
	r.report(&fs, c)
	return fs, runErr
}

// report logs what went wrong with a file, if anything.
func (r *replayer) report(fs *FileStats, c *captureFile) {
	switch {
	case fs.Truncated:
		r.warn("capture ends mid-record; continuing with the next file", "file", fs.Path, "packets", fs.Packets)
	case fs.Err != nil:
		r.warn("capture damaged; continuing with the next file", "file", fs.Path, "packets", fs.Packets, "err", fs.Err)
	}
	for _, l := range fs.LinkTypes {
		if !l.Supported() {
			r.warn("link type not supported; its packets are counted as unsupported", "file", fs.Path, "link_type", l)
		}
	}
	if c.ng != nil && c.ng.clash {
		r.warn("interfaces with link types that differ only above the low byte; some packets may be misread", "file", fs.Path)
	}
	r.log.Info("capture done", "file", fs.Path, "packets", fs.Packets, "probes", fs.Decode.Probes,
		"replies", fs.Decode.Replies, "decode_errors", fs.Decode.DecodeErrors, "duration", fs.Duration)
}

// warn logs a warning without tearing the progress line.
func (r *replayer) warn(msg string, args ...any) {
	r.progress.clear()
	r.log.Warn(msg, args...)
}

// finish totals the stats.
func (r *replayer) finish() ReplayStats {
	s := r.stats
	for _, f := range s.Files {
		s.Packets += f.Packets
		s.Bytes += f.Bytes
		s.PacketBytes += f.PacketBytes
		switch {
		case f.Truncated:
			s.TruncatedFiles++
		case f.Err != nil:
			s.DamagedFiles++
		}
	}
	s.Decode = r.dec.Stats()
	s.Duration = time.Since(r.started)
	s.FirstPacket, s.LastPacket = r.clock.first, r.clock.last
	es := r.eng.Stats()
	s.Sources = es.Sources
	s.Alerts = es.Alerts
	s.Engine = es
	return s
}
