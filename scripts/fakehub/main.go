// Command fakehub serves model folders as a fake Hugging Face Hub (the
// hub/hubtest server), for trying hfctl, huggingface_hub or @huggingface/hub
// by hand:
//
//	go run ./scripts/fakehub --root DIR --addr 127.0.0.1:8080
//	HF_ENDPOINT=http://127.0.0.1:8080 hfctl download ORG/NAME
//
// Every DIR/ORG/NAME folder is the model repository ORG/NAME. Uploads
// (create, preupload, LFS batch, commit) write into DIR.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/hfctl/hfctl/hub/hubtest"
)

func main() {
	var (
		root      = flag.String("root", ".", "folder holding ORG/NAME model folders")
		addr      = flag.String("addr", "127.0.0.1:8080", "listen address of the Hub")
		cdnAddr   = flag.String("cdn-addr", "", "listen address of the CDN (default: a free port on 127.0.0.1)")
		tokens    = flag.String("tokens", "", "comma-separated valid tokens (default: any token)")
		private   = flag.String("private", "", "comma-separated private repos (readable with the tokens)")
		gated     = flag.String("gated", "", "comma-separated gated repos (files readable with the tokens)")
		dropEvery = flag.Int("drop-every", 0, "cut every Nth file body (flaky mode)")
		dropAfter = flag.Int64("drop-after", 1<<20, "bytes sent before a cut")
		rate      = flag.Int64("rate", 0, "cap each file body to this many bytes/s (slow mode)")
		latency   = flag.Duration("latency", 0, "delay every request")
		verbose   = flag.Bool("v", false, "log every request")
	)
	flag.Parse()
	opts := hubtest.Options{Root: *root, Addr: *addr, CDNAddr: *cdnAddr}
	if *tokens != "" {
		opts.Tokens = strings.Split(*tokens, ",")
	}
	if *verbose {
		opts.Logf = log.Printf
	}
	s, err := hubtest.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	for _, r := range split(*private) {
		s.SetAccess(r, hubtest.Access{Private: true, Tokens: opts.Tokens})
	}
	for _, r := range split(*gated) {
		s.SetAccess(r, hubtest.Access{Gated: "manual", Tokens: opts.Tokens})
	}
	if *dropEvery > 0 || *rate > 0 || *latency > 0 {
		s.SetFaults(hubtest.Faults{DropEvery: *dropEvery, DropAfter: *dropAfter, BytesPerSecond: *rate, Latency: *latency})
	}
	fmt.Printf("fake Hub serving %s at %s (CDN %s)\n  export HF_ENDPOINT=%s\n", s.Root(), s.URL, s.CDNURL, s.URL)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	time.Sleep(10 * time.Millisecond)
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
