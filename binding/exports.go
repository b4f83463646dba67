// Command binding is libngr_redis, the c-shared library behind the Python
// package. Its ABI is declared in include/ngr_redis.h (read that first); this
// file holds only the //export shims: argument conversion, panic recovery and
// status reporting. The logic lives in stores.go and clients.go (stores on
// lazily connected shared clients), ops.go, completion.go and handles.go.
package main

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"runtime"
	"unsafe"
)

func main() {} // required by -buildmode=c-shared, never run

// testHooks enables ngr_debug_panic; read once when the library loads. It
// asks libc, not os.Getenv: in a c-shared library Go only sees the
// environment the process started with, not what the host set since
// (Python's os.environ[...] = ... before the first use).
var testHooks = hostEnv("NGR_TEST_HOOKS") == "1"

func hostEnv(name string) string {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return C.GoString(C.getenv(cname))
}

//export ngr_abi_version
func ngr_abi_version() C.int32_t { return abiVersion }

//export ngr_free
func ngr_free(p unsafe.Pointer) { C.free(p) }

//export ngr_handle_count
func ngr_handle_count() C.int64_t { return C.int64_t(liveHandles()) }

//export ngr_goroutine_count
func ngr_goroutine_count() C.int64_t { return C.int64_t(runtime.NumGoroutine()) }

//export ngr_store_open
func ngr_store_open(optionsJSON *C.char, optionsLen C.size_t, ns *C.char, nsLen C.size_t,
	storeOut *C.uint64_t, errOut **C.char) (status C.int32_t) {
	defer recoverStatus(&status, errOut)
	h, err := openStore(cBuffer(optionsJSON, optionsLen), string(cBuffer(ns, nsLen)))
	if err == nil {
		*storeOut = C.uint64_t(h)
	}
	return report(err, errOut)
}

//export ngr_store_close
func ngr_store_close(h C.uint64_t, errOut **C.char) (status C.int32_t) {
	defer recoverStatus(&status, errOut)
	return report(closeStore(uint64(h)), errOut)
}

//export ngr_call
func ngr_call(h C.uint64_t, op C.int32_t, req *C.uint8_t, reqLen C.size_t,
	respOut **C.uint8_t, respLenOut *C.size_t, errOut **C.char) (status C.int32_t) {
	defer recoverStatus(&status, errOut) // first: even a bad out-pointer is a status, not a crash
	*respOut, *respLenOut = nil, 0
	s, err := lookup[*store](handles, uint64(h))
	if err != nil {
		return report(err, errOut)
	}
	// The request is read in place: it stays valid for the whole blocking call.
	resp, err := s.run(context.Background(), int32(op), cBuffer(req, reqLen))
	return reportWithResponse(resp, err, respOut, respLenOut, errOut)
}

//export ngr_call_start
func ngr_call_start(h C.uint64_t, op C.int32_t, req *C.uint8_t, reqLen C.size_t, waitMs C.int32_t,
	callOut *C.uint64_t, respOut **C.uint8_t, respLenOut *C.size_t, errOut **C.char) (status C.int32_t) {
	defer recoverStatus(&status, errOut)
	*callOut, *respOut, *respLenOut = 0, nil, 0
	s, err := lookup[*store](handles, uint64(h))
	if err != nil {
		return report(err, errOut)
	}
	c := startCall(s.detached(int32(op), cBuffer(req, reqLen)))
	if !c.wait(waitSlice(int32(waitMs))) {
		*callOut = C.uint64_t(handles.add(c))
		return report(errPending, errOut)
	}
	return reportWithResponse(c.resp, c.err, respOut, respLenOut, errOut)
}

//export ngr_call_wait
func ngr_call_wait(ch C.uint64_t, waitMs C.int32_t, respOut **C.uint8_t, respLenOut *C.size_t,
	errOut **C.char) (status C.int32_t) {
	defer recoverStatus(&status, errOut)
	*respOut, *respLenOut = nil, 0
	c, err := lookup[*pendingCall](handles, uint64(ch))
	if err != nil {
		return report(err, errOut)
	}
	if !c.wait(waitSlice(int32(waitMs))) {
		return report(errPending, errOut)
	}
	handles.remove(uint64(ch))
	return reportWithResponse(c.resp, c.err, respOut, respLenOut, errOut)
}

//export ngr_call_abandon
func ngr_call_abandon(ch C.uint64_t) (status C.int32_t) {
	defer recoverStatus(&status, nil)
	c, err := lookup[*pendingCall](handles, uint64(ch))
	if err != nil {
		return C.int32_t(statusOf(err))
	}
	handles.remove(uint64(ch))
	c.cancel() // its goroutine ends on its own; the garbage collector frees the result
	return C.int32_t(statusOf(nil))
}

//export ngr_cq_open
func ngr_cq_open(cqOut *C.uint64_t, fdOut *C.int32_t, errOut **C.char) (status C.int32_t) {
	defer recoverStatus(&status, errOut)
	cq, err := openQueue()
	if err == nil {
		*cqOut, *fdOut = C.uint64_t(cq.handle), C.int32_t(cq.readFD)
	}
	return report(err, errOut)
}

//export ngr_cq_close
func ngr_cq_close(h C.uint64_t, errOut **C.char) (status C.int32_t) {
	defer recoverStatus(&status, errOut)
	cq, err := lookup[*completionQueue](handles, uint64(h))
	if err == nil {
		err = cq.close()
	}
	return report(err, errOut)
}

//export ngr_submit
func ngr_submit(cqh C.uint64_t, h C.uint64_t, op C.int32_t, req *C.uint8_t, reqLen C.size_t,
	ticketOut *C.uint64_t, errOut **C.char) (status C.int32_t) {
	defer recoverStatus(&status, errOut)
	cq, err := lookup[*completionQueue](handles, uint64(cqh))
	if err != nil {
		return report(err, errOut)
	}
	s, err := lookup[*store](handles, uint64(h))
	if err != nil {
		return report(err, errOut)
	}
	t, err := cq.submit(s.detached(int32(op), cBuffer(req, reqLen)))
	if err == nil {
		*ticketOut = C.uint64_t(t)
	}
	return report(err, errOut)
}

//export ngr_cancel
func ngr_cancel(cqh C.uint64_t, t C.uint64_t) (status C.int32_t) {
	defer recoverStatus(&status, nil)
	cq, err := lookup[*completionQueue](handles, uint64(cqh))
	if err == nil {
		err = cq.cancelTicket(uint64(t))
	}
	return C.int32_t(statusOf(err))
}

//export ngr_take
func ngr_take(cqh C.uint64_t, t C.uint64_t, respOut **C.uint8_t, respLenOut *C.size_t,
	errOut **C.char) (status C.int32_t) {
	defer recoverStatus(&status, errOut)
	*respOut, *respLenOut = nil, 0
	cq, err := lookup[*completionQueue](handles, uint64(cqh))
	if err != nil {
		return report(err, errOut)
	}
	resp, err := cq.take(uint64(t))
	return reportWithResponse(resp, err, respOut, respLenOut, errOut)
}

//export ngr_debug_panic
func ngr_debug_panic(async C.int32_t, cqh C.uint64_t, ticketOut *C.uint64_t, errOut **C.char) (status C.int32_t) {
	defer recoverStatus(&status, errOut)
	if !testHooks {
		return report(errHooksDisabled, errOut)
	}
	if async == 0 {
		panic("ngr_debug_panic: test panic (sync)")
	}
	cq, err := lookup[*completionQueue](handles, uint64(cqh))
	if err != nil {
		return report(err, errOut)
	}
	t, err := cq.submit(func(context.Context) ([]byte, error) {
		panic("ngr_debug_panic: test panic (async)")
	})
	if err == nil {
		*ticketOut = C.uint64_t(t)
	}
	return report(err, errOut)
}

// cBuffer views C memory as a Go slice without copying; valid only while the
// C caller keeps the memory alive (for the duration of the call).
func cBuffer[T C.char | C.uint8_t](p *T, n C.size_t) []byte {
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
}

// report sets *errOut (if wanted) and returns err's status code.
func report(err error, errOut **C.char) C.int32_t {
	if errOut != nil {
		*errOut = nil
		if err != nil {
			*errOut = C.CString(err.Error())
		}
	}
	return C.int32_t(statusOf(err))
}

// reportWithResponse copies a successful response into C memory (the caller
// frees it with ngr_free) and reports the status.
func reportWithResponse(resp []byte, err error, respOut **C.uint8_t, respLenOut *C.size_t, errOut **C.char) C.int32_t {
	if err == nil && len(resp) > 0 {
		*respOut = (*C.uint8_t)(C.CBytes(resp))
		*respLenOut = C.size_t(len(resp))
	}
	return report(err, errOut)
}

// recoverStatus is deferred by every export: a Go panic becomes
// NGR_ERR_PANIC with the panic text instead of killing the process.
func recoverStatus(status *C.int32_t, errOut **C.char) {
	r := recover()
	if r == nil {
		return
	}
	*status = report(&panicError{value: r}, errOut)
}
