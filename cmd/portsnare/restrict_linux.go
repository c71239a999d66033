//go:build linux

package main

import (
	"fmt"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// no_new_privs is an attribute of a thread, not of the process, and a Go
// program runs on many threads it does not choose. syscall.AllThreadsSyscall
// applies a call to every one, but only in binaries without cgo, and
// gopacket's afpacket needs cgo.
//
// The capability bounding set is per thread too, with no way to change it
// on another thread, so it is left as it is: once the process is not root
// it holds no capability, and with no_new_privs no execve can give it one
// (setuid bits and file capabilities are ignored), whatever the bounding
// set says.

// setNoNewPrivs sets no_new_privs on every thread: execve can then never
// grant a privilege (setuid bits and file capabilities are ignored), and
// the flag cannot be cleared. Without AllThreadsSyscall (cgo), it is set
// on this thread and carried to the others by installing a seccomp filter
// that allows every call, with SECCOMP_FILTER_FLAG_TSYNC: the kernel sets
// no_new_privs on each thread it synchronises to a caller that has it.
func setNoNewPrivs() error {
	_, _, e := syscall.AllThreadsSyscall(syscall.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0)
	if e == 0 {
		return nil
	}
	if e != syscall.ENOTSUP {
		return fmt.Errorf("setting no_new_privs: %w", e)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("setting no_new_privs: %w", err)
	}
	allow := []unix.SockFilter{{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW}}
	prog := unix.SockFprog{Len: uint16(len(allow)), Filter: &allow[0]}
	r, _, e := syscall.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(allow)
	if e != 0 {
		return fmt.Errorf("setting no_new_privs on every thread (seccomp): %w", e)
	}
	if r != 0 {
		return fmt.Errorf("setting no_new_privs on every thread: thread %d could not be synchronised", r)
	}
	return nil
}
