//go:build linux

package sensor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"syscall"
	"time"
	"unsafe"

	"github.com/google/gopacket/afpacket"
	"golang.org/x/sys/unix"
)

// ringWaiter parks a capture goroutine in the Go runtime's network poller
// (epoll) until the kernel hands a block of the ring to user space.
//
// afpacket waits in poll(2) itself, a blocking system call: the goroutine
// then holds an OS thread, the runtime's monitor takes its processor back
// after 20 µs and, finding a thread in a system call on almost every pass,
// keeps waking every 20 µs — on a small machine that cost more CPU than
// decoding and detection together. So the sockets are read with a poll
// timeout of zero (afpacket only looks), and the waiting is done here, on
// a duplicate of the socket's descriptor registered with the poller: a
// parked goroutine costs nothing until the kernel retires a block. Even
// afpacket's look is a system call, which wakes the monitor after every
// idle spell; the capture loop makes it only where ringPeek cannot tell
// from the ring's memory that the ring is empty.
type ringWaiter struct {
	f    *os.File // the duplicate descriptor, non-blocking
	rc   syscall.RawConn
	stop func() bool // ends the context watch
}

// newRingWaiter watches tp's socket. When ctx ends, a wait in progress
// returns at once.
func newRingWaiter(ctx context.Context, tp *afpacket.TPacket) (*ringWaiter, error) {
	fd, err := tpacketFD(tp)
	if err != nil {
		return nil, err
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("duplicating the capture socket: %w", err)
	}
	// O_NONBLOCK is shared with afpacket's descriptor, which only polls,
	// maps the ring and sets options, none of which it changes.
	if err := unix.SetNonblock(dup, true); err != nil {
		unix.Close(dup)
		return nil, fmt.Errorf("capture socket: %w", err)
	}
	f := os.NewFile(uintptr(dup), "packet")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	w := &ringWaiter{f: f, rc: rc}
	w.stop = context.AfterFunc(ctx, func() { f.SetReadDeadline(time.Unix(1, 0)) })
	return w, nil
}

// wait returns when a block is ready, at until, or when ctx ends (the caller
// checks ctx). A deadline passing is not an error. ready, if not nil, tells
// whether a block is ready from the ring's memory (see ringPeek); else the
// kernel is asked.
func (w *ringWaiter) wait(ctx context.Context, until time.Time, ready func() bool) error {
	if err := w.f.SetReadDeadline(until); err != nil {
		return err
	}
	// Checked after setting the deadline, so that a cancellation that
	// reset the deadline before this one is not missed.
	if ctx.Err() != nil {
		return nil
	}
	err := w.rc.Read(func(fd uintptr) bool {
		if ready != nil {
			return ready()
		}
		return readable(int(fd))
	})
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil
	}
	return err
}

// readable asks the kernel, without waiting, whether a block is ready: one
// may have been retired between afpacket's look and the poller's wait, and
// the poller reports only changes. The poll has a zero timeout and never
// blocks, so it is made as a raw system call: through the runtime's entry
// it would wake the runtime's monitor (see ringPeek).
func readable(fd int) bool {
	p := [1]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	var zero unix.Timespec
	n, _, errno := unix.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&p[0])), 1, uintptr(unsafe.Pointer(&zero)), 0, 0, 0)
	return errno != 0 || n > 0
}

func (w *ringWaiter) close() {
	w.stop()
	w.f.Close()
}

// tpacketFD returns the descriptor of an afpacket socket, which afpacket
// keeps unexported. TestTPacketHasFD pins the field.
func tpacketFD(tp *afpacket.TPacket) (int, error) {
	v := reflect.ValueOf(tp).Elem().FieldByName("fd")
	if !v.IsValid() || v.Kind() != reflect.Int {
		return 0, errors.New("capture: this afpacket version keeps no descriptor field 'fd'")
	}
	return int(v.Int()), nil
}
