package detect

import "time"

// The engine runs on packet time — the capture's timestamps, never the wall
// clock — so that a replay raises what the live run raised. It counts packet
// time in two units, each a type of its own so that one cannot be passed
// for the other:
//
//   - ptime, nanoseconds since the Unix epoch as stamped on the packet: the
//     unit of every window, timeout and episode time;
//   - tsecs, whole seconds since the engine's epoch (an hour before its first
//     packet): the unit of the first-contact table's records, which have 32
//     bits for it (136 years).
//
// The engine's API takes time.Time; it becomes a ptime on the way in, and a
// time.Time again only in alerts.
type (
	ptime int64
	tsecs uint32
)

// ptimeOf converts a packet's timestamp.
func ptimeOf(t time.Time) ptime { return ptime(t.UnixNano()) }

// time returns t as a time.Time in UTC, as alerts show it.
func (t ptime) time() time.Time { return time.Unix(0, int64(t)).UTC() }

// add returns t moved by d.
func (t ptime) add(d time.Duration) ptime { return t + ptime(d) }

// sub returns how long after u t is (negative if before).
func (t ptime) sub(u ptime) time.Duration { return time.Duration(t - u) }

// epochHeadroom is how far before its first packet the engine's epoch lies:
// packets from several capture sockets arrive slightly out of order, and an
// earlier one must not fall before the epoch.
const epochHeadroom = time.Hour

// secs converts packet time to the tables' clock.
func (e *Engine) secs(t ptime) tsecs {
	if !e.started {
		e.started = true
		e.epoch = t.add(-epochHeadroom)
	}
	d := t.sub(e.epoch)
	if d < 0 {
		return 0
	}
	return tsecs(d / time.Second)
}

// secsOf converts a duration to table seconds, rounding down.
func secsOf(d time.Duration) tsecs { return tsecs(d / time.Second) }
