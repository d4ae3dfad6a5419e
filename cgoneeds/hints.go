package cgoneeds

import (
	"path"
	"strings"
)

// debianArch returns Debian's architecture name for a target, "" if
// Debian has none.
func debianArch(goarch, variant string) string {
	switch goarch {
	case "amd64", "arm64", "riscv64", "s390x", "mips", "mips64", "loong64", "ppc64":
		return goarch
	case "386":
		return "i386"
	case "arm":
		if strings.HasPrefix(variant, "5") || strings.Contains(variant, "softfloat") {
			return "armel"
		}
		return "armhf"
	case "ppc64le":
		return "ppc64el"
	case "mipsle":
		return "mipsel"
	case "mips64le":
		return "mips64el"
	}
	return ""
}

// devPackages maps well-known headers (by their first path element) and
// libraries to the Debian -dev package that provides them.
var devPackages = map[string]string{
	// headers
	"pcap.h": "libpcap-dev", "pcap": "libpcap-dev",
	"sqlite3.h": "libsqlite3-dev", "zlib.h": "zlib1g-dev", "zstd.h": "libzstd-dev", "lz4.h": "liblz4-dev",
	"openssl": "libssl-dev", "curl": "libcurl4-openssl-dev", "sodium.h": "libsodium-dev",
	"systemd": "libsystemd-dev", "libudev.h": "libudev-dev", "alsa": "libasound2-dev",
	"X11": "libx11-dev", "GL": "libgl-dev", "EGL": "libegl-dev", "gtk": "libgtk-3-dev",
	"libusb-1.0": "libusb-1.0-0-dev", "seccomp.h": "libseccomp-dev", "security": "libpam0g-dev",
	"gpgme.h": "libgpgme-dev", "lzma.h": "liblzma-dev", "bzlib.h": "libbz2-dev", "ffi.h": "libffi-dev",
	"yaml.h": "libyaml-dev", "magic.h": "libmagic-dev", "pulse": "libpulse-dev", "vulkan": "libvulkan-dev",
	"gpiod.h": "libgpiod-dev", "libnetfilter_queue": "libnetfilter-queue-dev", "blkid": "libblkid-dev",
	"libmount": "libmount-dev", "btrfs": "libbtrfs-dev", "krb5.h": "libkrb5-dev", "ldap.h": "libldap2-dev",
	"mysql": "default-libmysqlclient-dev", "libpq-fe.h": "libpq-dev", "jpeglib.h": "libjpeg-dev", "png.h": "libpng-dev",
	"gst": "libgstreamer1.0-dev", "glib.h": "libglib2.0-dev", "webp": "libwebp-dev", "rocksdb": "librocksdb-dev",
	"librdkafka": "librdkafka-dev", "hidapi": "libhidapi-dev", "SDL2": "libsdl2-dev",
	// libraries (-lNAME)
	"-lpcap": "libpcap-dev", "-lsqlite3": "libsqlite3-dev", "-lz": "zlib1g-dev", "-lzstd": "libzstd-dev",
	"-llz4": "liblz4-dev", "-lssl": "libssl-dev", "-lcrypto": "libssl-dev", "-lcurl": "libcurl4-openssl-dev",
	"-lsodium": "libsodium-dev", "-lsystemd": "libsystemd-dev", "-ludev": "libudev-dev", "-lasound": "libasound2-dev",
	"-lX11": "libx11-dev", "-lGL": "libgl-dev", "-lusb-1.0": "libusb-1.0-0-dev", "-lseccomp": "libseccomp-dev",
	"-lpam": "libpam0g-dev", "-lgpgme": "libgpgme-dev", "-llzma": "liblzma-dev", "-lbz2": "libbz2-dev",
	"-lffi": "libffi-dev", "-lyaml": "libyaml-dev", "-lmagic": "libmagic-dev", "-lgpiod": "libgpiod-dev",
	"-lrocksdb": "librocksdb-dev", "-lrdkafka": "librdkafka-dev", "-lSDL2": "libsdl2-dev", "-lpq": "libpq-dev",
}

// libcHeaders are headers of the C library (glibc, musl): when one is
// missing, the sysroot lacks the C library's development files.
var libcHeaders = map[string]bool{}

func init() {
	for _, h := range strings.Fields(`assert.h complex.h ctype.h errno.h fenv.h inttypes.h locale.h math.h
		setjmp.h signal.h stdio.h stdlib.h string.h strings.h tgmath.h threads.h time.h uchar.h wchar.h wctype.h
		unistd.h fcntl.h dlfcn.h pthread.h sched.h semaphore.h netdb.h poll.h pwd.h grp.h termios.h syslog.h
		dirent.h glob.h libgen.h spawn.h regex.h features.h endian.h byteswap.h elf.h link.h malloc.h
		sys/types.h sys/stat.h sys/socket.h sys/ioctl.h sys/mman.h sys/time.h sys/wait.h sys/uio.h sys/un.h
		sys/select.h sys/resource.h sys/utsname.h sys/epoll.h sys/syscall.h sys/prctl.h sys/param.h
		netinet/in.h netinet/tcp.h arpa/inet.h net/if.h`) {
		libcHeaders[h] = true
	}
}

// compilerHeaders are the headers every GCC and Clang install provides
// from its own directory (freestanding headers and intrinsics). They are
// taken as present when the target's C compiler cannot be asked where its
// directory is.
var compilerHeaders = map[string]bool{}

func init() {
	for _, h := range strings.Fields(`float.h iso646.h limits.h stdalign.h stdarg.h stdatomic.h stdbool.h stddef.h
		stdint.h stdnoreturn.h stdckdint.h varargs.h unwind.h omp.h openacc.h cpuid.h mm_malloc.h
		arm_neon.h arm_acle.h arm_fp16.h arm_bf16.h arm_sve.h arm_sme.h arm_cmse.h arm_mve.h
		altivec.h riscv_vector.h vecintrin.h msa.h lsxintrin.h lasxintrin.h larchintrin.h
		__stddef_max_align_t.h stdint-gcc.h`) {
		compilerHeaders[h] = true
	}
}

// isCompilerHeader reports whether a header comes with the compiler.
func isCompilerHeader(name string) bool {
	return compilerHeaders[name] || strings.HasSuffix(name, "intrin.h") && !strings.Contains(name, "/")
}

// devPackageFor returns the Debian -dev package of a header or -l option,
// or "".
func devPackageFor(key string) string {
	if p, ok := devPackages[key]; ok {
		return p
	}
	if first, _, ok := strings.Cut(key, "/"); ok {
		return devPackages[first]
	}
	return ""
}

// installHint says how to get a missing header or library of the target
// into the sysroot. key is a header name ("pcap.h") or a -l option
// ("-lpcap"); what names it in the text ("pcap.h", "libpcap").
func (c *checker) installHint(key, what string) string {
	debArch := debianArch(c.plat.GOARCH, c.plat.Variant)
	linux := c.plat.GOOS == "linux"
	if !strings.HasPrefix(key, "-l") && libcHeaders[key] && linux && debArch != "" {
		return "install the C library's headers for the target (Debian: apt-get install libc6-dev-" + debArch + "-cross, or libc6-dev:" + debArch + ")"
	}
	pkg := devPackageFor(key)
	switch {
	case linux && debArch != "" && pkg != "":
		return "install the target's " + pkg + " into the sysroot (Debian: dpkg --add-architecture " + debArch + " && apt-get update && apt-get install " + pkg + ":" + debArch + ")"
	case linux && debArch != "":
		return "install the target's -dev package that provides " + what + " into the sysroot (Debian: dpkg --add-architecture " + debArch + " && apt-get update && apt-get install PACKAGE-dev:" + debArch + "; apt-file search " + searchName(key) + " names the package)"
	}
	return "install the development files that provide " + what + " for the target into its sysroot"
}

// searchName is what to give apt-file search for a header or -l option.
func searchName(key string) string {
	if pc, ok := strings.CutPrefix(key, "pkg-config:"); ok {
		return pc + ".pc"
	}
	if rest, ok := strings.CutPrefix(key, "-l"); ok {
		if f, ok := strings.CutPrefix(rest, ":"); ok {
			return f
		}
		return "lib" + rest + ".so"
	}
	return path.Join("include", key)
}
