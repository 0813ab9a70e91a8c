#!/usr/bin/env pwsh
# build.ps1 - the PowerShell twin of build.sh (same commands, same output folders).
#
#   pwsh build.ps1               build the native core (CMake; linux-x64, and linux-arm64 with the cross compiler)
#                                and the .NET solution (Release)
#   pwsh build.ps1 test          build, run ctest, ctest under ASan/UBSan, ctest of linux-arm64 under qemu-user and
#                                NUnit; ends "N passed, N failed"
#   pwsh build.ps1 demo [args]   run `tp demo`
#   pwsh build.ps1 tp [args]     run the `tp` command line
#   pwsh build.ps1 bindings      regenerate the P/Invoke bindings and the ABI probe (--check: only compare); also
#                                the Aeron bindings when ./build.sh aeron has installed Aeron's headers
#   pwsh build.ps1 aeron [--source DIR]  build Aeron's C client and media driver into build/aeron/install
#   pwsh build.ps1 bench [args]  run `tp bench` (the tp-bench tool built here), the benchmark matrix with same-run baselines
#   pwsh build.ps1 bench-micro [args]  run the BenchmarkDotNet suites
#   pwsh build.ps1 pack          produce the NuGet packages under artifacts/packages (TensorPool, TensorPool.Cli,
#                                TensorPool.Bench.Cli), with linux-x64 and linux-arm64 libraries (fails when the cross
#                                compiler is missing)
#   pwsh build.ps1 public-api    rewrite PublicAPI.Unshipped.txt of every library that ships public API (--ship: a
#                                release); runs tools/public-api.sh
#   pwsh build.ps1 clean         remove build output
#
# Environment: CONFIGURATION (Release), TP_SKIP_SANITIZERS=1, TP_SKIP_ARM64=1, TP_VERSION_SUFFIX replaces the
# pre-release label of Version.props ("dev"; set it empty for a release version).
#
# Not mirrored: build.sh installs the linux-arm64 cross toolchain, qemu-user and iproute2 with apt-get as root;
# this script only uses them when present (else skips the arm64 part with the reason), and does not run the
# build.ps1 parity check on itself. build.sh test runs `pwsh build.ps1 build` so this script cannot silently rot.
param(
    [Parameter(Position = 0)][string]$Command = 'build',
    [Parameter(Position = 1, ValueFromRemainingArguments = $true)][string[]]$Rest = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$Configuration = if ($env:CONFIGURATION) { $env:CONFIGURATION } else { 'Release' }
$NativeBuild = Join-Path $Root 'build/native'
$NativeSanBuild = Join-Path $Root 'build/native-san'
$NativeArm64Build = Join-Path $Root 'build/native-arm64'
$Arm64Toolchain = Join-Path $Root 'cmake/toolchains/aarch64-linux-gnu.cmake'
$Arm64Compiler = 'aarch64-linux-gnu-gcc'
$Arm64Sysroot = '/usr/aarch64-linux-gnu'
$Results = Join-Path $Root 'build/test-results'
$TpDll = Join-Path $Root "src/TensorPool.Cli/bin/$Configuration/net10.0/tp.dll"
$AeronTag = '1.50.0'   # the Aeron release the Aeron bindings are generated from
$AeronRepo = 'https://github.com/aeron-io/aeron.git'
$AeronPrefix = Join-Path $Root 'build/aeron/install'
# `tp bench` runs the separate tool tp-bench; from a clone, the one this build makes.
$BenchDll = Join-Path $Root "bench/TensorPool.Bench.Cli/bin/$Configuration/net10.0/tp-bench.dll"
# The version comes from Version.props; TP_VERSION_SUFFIX (even empty) overrides its VersionSuffix everywhere.
$VersionSuffix = [Environment]::GetEnvironmentVariable('TP_VERSION_SUFFIX')
$VersionArgs = if ($null -ne $VersionSuffix) { @("-p:VersionSuffix=$VersionSuffix") } else { @() }
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Write-Step([string]$Message) { Write-Host "`n==> $Message" }

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Assert-Tool([string]$Name, [string]$What) {
    if (-not (Get-Command $Name -ErrorAction SilentlyContinue)) { throw "build.ps1: '$Name' is required but not installed ($What)" }
}

function Build-Native {
    Assert-Tool cmake 'CMake 3.25 or newer'
    Write-Step "native: configure and build ($NativeBuild)"
    Invoke-Checked cmake @('-S', $Root, '-B', $NativeBuild, '-DCMAKE_BUILD_TYPE=Release')
    Invoke-Checked cmake @('--build', $NativeBuild, '--parallel')
}

# Why the linux-arm64 part cannot run, or $null when the cross compiler and its C library are there.
function Get-Arm64SkipReason {
    if ($env:TP_SKIP_ARM64 -eq '1') { return 'TP_SKIP_ARM64=1' }
    if (-not (Get-Command $Arm64Compiler -ErrorAction SilentlyContinue) -or -not (Test-Path (Join-Path $Arm64Sysroot 'include/stdio.h'))) {
        return 'the cross compiler is missing (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user, or run ./build.sh as root once)'
    }
    return $null
}

# The C core cross-compiled for linux-arm64 (Release); $Targets limits it (the library and the ABI probe).
function Build-NativeArm64([string[]]$Targets = @()) {
    $reason = Get-Arm64SkipReason
    if ($reason) { Write-Step "native linux-arm64: skipped: $reason"; return }
    Write-Step "native linux-arm64: configure and build ($NativeArm64Build)"
    Invoke-Checked cmake @('-S', $Root, '-B', $NativeArm64Build, "-DCMAKE_TOOLCHAIN_FILE=$Arm64Toolchain", '-DCMAKE_BUILD_TYPE=Release', '-DTP_BUILD_EXAMPLES=OFF')
    $buildArgs = @('--build', $NativeArm64Build, '--parallel')
    if ($Targets.Count -gt 0) { $buildArgs += @('--target') + $Targets }
    Invoke-Checked cmake $buildArgs
}

function Build-Dotnet {
    Assert-Tool dotnet '.NET SDK 10'
    Write-Step "dotnet: build TensorPool.sln ($Configuration)"
    Invoke-Checked dotnet (@('build', (Join-Path $Root 'TensorPool.sln'), '-c', $Configuration,
        '-p:TensorPoolSkipNativeBuild=true', '-nologo', '-clp:ErrorsOnly') + $VersionArgs)
}

function Build-All { Build-Native; Build-NativeArm64 @('tensorpool', 'tp_abi_probe'); Build-Dotnet }

function Get-JUnitCounts([string]$File) {
    if (-not (Test-Path $File)) { return @(0, 1, 0) }
    [xml]$doc = Get-Content $File -Raw
    $suite = $doc.testsuite
    $tests = [int]$suite.tests; $failures = [int]$suite.failures
    $skipped = [int]$suite.skipped + [int]$suite.disabled
    return @(($tests - $failures - $skipped), $failures, $skipped)
}

function Get-TrxCounts([string]$Dir) {
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($f in Get-ChildItem -Path $Dir -Filter '*.trx' -ErrorAction SilentlyContinue) {
        [xml]$doc = Get-Content $f.FullName -Raw
        $c = $doc.TestRun.ResultSummary.Counters
        if ($null -eq $c) { $failed++; continue }
        $passed += [int]$c.passed
        $failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
        $skipped += [int]$c.total - [int]$c.executed + [int]$c.inconclusive
    }
    return @($passed, $failed, $skipped)
}

function Invoke-Tests {
    if (Test-Path $Results) { Remove-Item -Recurse -Force $Results }
    New-Item -ItemType Directory -Force (Join-Path $Results 'dotnet') | Out-Null
    $rows = [System.Collections.Generic.List[object]]::new()
    $runnerFailed = $false
    try {
        Build-All
    }
    catch {
        Write-Host $_
        $rows.Add(@('build', 0, 1, 0))
    }
    if ($rows.Count -eq 0) {
        Write-Step 'ctest: native tests (Release)'
        & ctest --test-dir $NativeBuild --output-on-failure --output-junit (Join-Path $Results 'ctest.xml') --parallel 2
        if ($LASTEXITCODE -ne 0) { $runnerFailed = $true }
        $rows.Add(@('native (ctest)') + (Get-JUnitCounts (Join-Path $Results 'ctest.xml')))

        if ($env:TP_SKIP_SANITIZERS -ne '1') {
            Write-Step 'ctest: native tests under AddressSanitizer + UndefinedBehaviorSanitizer'
            & cmake -S $Root -B $NativeSanBuild -DCMAKE_BUILD_TYPE=Debug -DTP_SANITIZE=ON | Out-Null
            if ($LASTEXITCODE -eq 0) { & cmake --build $NativeSanBuild --parallel | Out-Null }
            if ($LASTEXITCODE -eq 0) {
                & ctest --test-dir $NativeSanBuild --output-on-failure --output-junit (Join-Path $Results 'ctest-san.xml') --parallel 2
                if ($LASTEXITCODE -ne 0) { $runnerFailed = $true }
            }
            else { $runnerFailed = $true }
            $rows.Add(@('native (ASan/UBSan)') + (Get-JUnitCounts (Join-Path $Results 'ctest-san.xml')))
        }

        $arm64Reason = Get-Arm64SkipReason
        if (-not $arm64Reason -and -not (Get-Command qemu-aarch64 -ErrorAction SilentlyContinue)) {
            $arm64Reason = 'qemu-aarch64 is missing (apt-get install qemu-user)'
        }
        if ($arm64Reason) { Write-Step "ctest: linux-arm64 under qemu-user: skipped: $arm64Reason" }
        else {
            Write-Step 'ctest: native tests on linux-arm64 under qemu-user (Release)'
            try {
                Build-NativeArm64 | Out-Null
                & ctest --test-dir $NativeArm64Build --output-on-failure --output-junit (Join-Path $Results 'ctest-arm64.xml') --parallel 4
                if ($LASTEXITCODE -ne 0) { $runnerFailed = $true }
            }
            catch { Write-Host $_; $runnerFailed = $true }
            $rows.Add(@('native linux-arm64 (qemu)') + (Get-JUnitCounts (Join-Path $Results 'ctest-arm64.xml')))
        }

        Write-Step 'dotnet test: NUnit suites'
        foreach ($proj in Get-ChildItem -Path (Join-Path $Root 'tests') -Filter '*.Tests.csproj' -Recurse) {
            & dotnet test $proj.FullName -c $Configuration --no-build --logger "trx;LogFileName=$($proj.BaseName).trx" `
                --results-directory (Join-Path $Results 'dotnet') -- NUnit.DefaultTimeout=600000
            if ($LASTEXITCODE -ne 0) { $runnerFailed = $true }
        }
        $rows.Add(@('dotnet (NUnit)') + (Get-TrxCounts (Join-Path $Results 'dotnet')))
    }

    $p = 0; $f = 0; $s = 0
    Write-Host "`nTest summary"
    foreach ($r in $rows) {
        Write-Host ('  {0,-28} {1,5} passed, {2} failed, {3} skipped' -f $r[0], $r[1], $r[2], $r[3])
        $p += $r[1]; $f += $r[2]; $s += $r[3]
    }
    if ($runnerFailed -and $f -eq 0) {
        Write-Host ('  {0,-28} {1,5} passed, {2} failed, {3} skipped' -f 'runner errors', 0, 1, 0)
        $f = 1
    }
    Write-Host "  ($s skipped)"
    Write-Host "$p passed, $f failed"
    if ($f -ne 0) { exit 1 }
}

# Aeron's C client and media driver into $AeronPrefix (the same layout as build.sh aeron).
function Build-Aeron([string[]]$Arguments) {
    $Source = $null
    for ($i = 0; $i -lt $Arguments.Count; $i++) {
        if ($Arguments[$i] -eq '--source' -and $i + 1 -lt $Arguments.Count) { $Source = $Arguments[++$i] }
        else { Write-Error "build.ps1 aeron: unknown argument '$($Arguments[$i])' (usage: pwsh build.ps1 aeron [--source DIR])"; exit 2 }
    }
    Assert-Tool cmake 'CMake 3.25 or newer'
    $Work = Join-Path $Root 'build/aeron'
    New-Item -ItemType Directory -Force $Work | Out-Null
    if (-not $Source) {
        $Source = Join-Path $Work 'src'
        if (-not (Test-Path (Join-Path $Source 'CMakeLists.txt'))) {
            Assert-Tool git "git, to clone Aeron $AeronTag"
            Write-Step "aeron: cloning $AeronRepo at $AeronTag into $Source"
            Invoke-Checked git @('clone', '--quiet', '--depth', '1', '--branch', $AeronTag, $AeronRepo, $Source)
        }
    }
    $Source = (Resolve-Path $Source).Path
    if (-not (Test-Path (Join-Path $Source 'aeron-client/src/main/c/aeronc.h'))) { throw "build.ps1 aeron: $Source is not an Aeron source tree" }
    $Have = [version]((& cmake --version | Select-Object -First 1) -replace '^[^0-9]*([0-9]+\.[0-9]+).*$', '$1')
    $Need = [version](((Get-Content (Join-Path $Source 'CMakeLists.txt')) -match 'cmake_minimum_required\(VERSION' | Select-Object -First 1) -replace '^.*VERSION ([0-9]+\.[0-9]+).*$', '$1')
    if ($Need -gt $Have) {
        Write-Step "aeron: CMake $Have is older than the $Need Aeron asks for; building a copy with the minimum lowered"
        $Copy = Join-Path $Work 'src-cmake'
        if (Test-Path $Copy) { Remove-Item -Recurse -Force $Copy }
        Copy-Item -Recurse $Source $Copy -Exclude '.git'
        $Lists = Join-Path $Copy 'CMakeLists.txt'
        (Get-Content $Lists) -replace "cmake_minimum_required\(VERSION $Need", "cmake_minimum_required(VERSION $Have" -replace "cmake_policy\(VERSION $Need\)", "cmake_policy(VERSION $Have)" | Set-Content $Lists
        $Source = $Copy
    }
    Write-Step "aeron: configure and build the C client and media driver ($Work/build)"
    Invoke-Checked cmake @('-S', $Source, '-B', (Join-Path $Work 'build'), '-DCMAKE_BUILD_TYPE=Release', '-DBUILD_AERON_DRIVER=ON',
        '-DBUILD_AERON_ARCHIVE_API=OFF', '-DAERON_TESTS=OFF', '-DAERON_UNIT_TESTS=OFF', '-DAERON_SYSTEM_TESTS=OFF',
        '-DAERON_BUILD_SAMPLES=OFF', '-DAERON_BUILD_DOCUMENTATION=OFF')
    Invoke-Checked cmake @('--build', (Join-Path $Work 'build'), '--parallel', '--target', 'aeron', 'aeron_driver', 'aeronmd_s')
    if (Test-Path $AeronPrefix) { Remove-Item -Recurse -Force $AeronPrefix }
    foreach ($d in @('lib', 'bin', 'include/aeron', 'include/aeronmd')) { New-Item -ItemType Directory -Force (Join-Path $AeronPrefix $d) | Out-Null }
    Copy-Item (Join-Path $Work 'build/lib/libaeron.so*'), (Join-Path $Work 'build/lib/libaeron_driver.so*') (Join-Path $AeronPrefix 'lib')
    Copy-Item (Join-Path $Work 'build/binaries/aeronmd_s') (Join-Path $AeronPrefix 'bin/aeronmd')
    Copy-Item (Join-Path $Source 'aeron-client/src/main/c/aeronc.h') (Join-Path $AeronPrefix 'include/aeron')
    Copy-Item (Join-Path $Source 'aeron-driver/src/main/c/aeronmd.h') (Join-Path $AeronPrefix 'include/aeronmd')
    Copy-Item (Join-Path $Source 'version.txt') (Join-Path $AeronPrefix 'VERSION')
    Write-Step "aeron: $((Get-Content (Join-Path $AeronPrefix 'VERSION')).Trim()) installed in $AeronPrefix"
}

function Invoke-Tp([string[]]$Arguments) {
    # An incremental build first, so `tp` is never stale after a pull.
    Build-All | Out-Null
    if (-not $env:TENSORPOOL_BENCH_PATH) { $env:TENSORPOOL_BENCH_PATH = $BenchDll }
    & dotnet $TpDll @Arguments
    exit $LASTEXITCODE
}

switch ($Command) {
    'build' { Build-All }
    'test' { Invoke-Tests }
    'demo' { Invoke-Tp (@('demo') + $Rest) }
    'tp' { Invoke-Tp $Rest }
    'bindings' {
        Invoke-Checked dotnet (@('run', '--project', (Join-Path $Root 'tools/TensorPool.BindingsGen'), '-c', $Configuration, '--', '--root', $Root) + $Rest)
        $AeronInclude = Join-Path $AeronPrefix 'include'
        if (Test-Path $AeronInclude) {
            Invoke-Checked dotnet (@('run', '--project', (Join-Path $Root 'tools/TensorPool.BindingsGen'), '-c', $Configuration, '--no-build', '--', '--root', $Root, '--aeron', $AeronInclude) + $Rest)
        } else {
            Write-Host "Aeron bindings: not checked (no Aeron headers in $AeronInclude; build.ps1 aeron builds them)"
        }
        # Rebuild so tp_abi_probe matches the regenerated native/abi/abi_probe.c.
        if ($Rest -notcontains '--check') { Build-Native }
    }
    'aeron' { Build-Aeron $Rest }
    'bench' { Invoke-Tp (@('bench') + $Rest) }
    'bench-micro' {
        Build-All
        Invoke-Checked dotnet (@('run', '--project', (Join-Path $Root 'bench/TensorPool.Benchmarks'), '-c', 'Release', '--no-build', '--') + $Rest)
    }
    'pack' {
        # A release package carries linux-x64 and linux-arm64: no cross compiler, no package.
        $reason = Get-Arm64SkipReason
        if ($reason) { Write-Error "build.ps1 pack: the package needs the linux-arm64 library, but $reason"; exit 1 }
        Build-All
        Write-Step 'dotnet: pack into artifacts/packages'
        $Packages = Join-Path $Root 'artifacts/packages'
        if (Test-Path $Packages) { Remove-Item -Recurse -Force $Packages }
        Invoke-Checked dotnet (@('pack', (Join-Path $Root 'TensorPool.sln'), '-c', $Configuration, '--no-build',
            '-p:TensorPoolSkipNativeBuild=true', '-p:TensorPoolRequireAllRuntimes=true', '-nologo', '-clp:ErrorsOnly', '-o', $Packages) + $VersionArgs)
        Get-ChildItem $Packages | ForEach-Object { $_.Name }
    }
    'public-api' { Invoke-Checked bash (@((Join-Path $Root 'tools/public-api.sh')) + $Rest) }
    'clean' {
        foreach ($d in @('build', 'artifacts')) { $p = Join-Path $Root $d; if (Test-Path $p) { Remove-Item -Recurse -Force $p } }
        & dotnet clean (Join-Path $Root 'TensorPool.sln') -nologo -v q | Out-Null
    }
    { $_ -in @('help', '-h', '--help') } { Get-Content $PSCommandPath | Select-Object -Skip 1 -First 26 | ForEach-Object { $_ -replace '^# ?', '' } }
    default { Write-Error "build.ps1: unknown command '$Command' (try pwsh build.ps1 help)"; exit 2 }
}
