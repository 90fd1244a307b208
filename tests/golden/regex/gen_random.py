#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Random Java regexes and inputs for the differential run
(tests/golden/regex/differential): patterns are drawn from a small grammar
of the constructs kc_java_regex.c translates (classes with nesting and &&,
groups, look-around, flags, escapes, quantifiers), inputs from ASCII,
Latin-1, combining marks and line terminators. Usage:
    gen_random.py SEED OUT.jsonl COUNT
Each pattern gets three inputs; the format is cases.jsonl's."""
import json, random, sys
random.seed(int(sys.argv[1]))
atoms=["a","b","c","A","B","é","É","e","\\u0301","_","-",".","\\.","\\d","\\D","\\w","\\W","\\s","\\S","\\b","\\B","^","$","\\Z","\\z","\\A","\\h","\\v","\\R","\\X","\\p{L}","\\P{L}","\\p{Lu}","\\p{Lower}","\\p{IsLatin}","\\p{javaLowerCase}","\\p{Punct}","\\x41","\\u00e9","\\0101","\\t","\\n","\\r","\\Qa.b\\E","\\1","\\k<g>"]
cls_items=["a","b","c","a-c","x-z","A-Z","é","\\d","\\w","\\s","\\W","\\p{L}","\\P{Lu}","\\p{Lower}","-","&","^","\\]","\\[","\\Q]\\E"]
quants=["*","+","?","{2}","{1,3}","{0,}","*?","+?","??","*+","++","{1,2}?"]
flags=["i","m","s","x","u","d","U","-i","iu","-x","-U"]
def cls(d):
    s="[" + ("^" if random.random()<0.2 else "")
    for _ in range(random.randint(1,3)):
        r=random.random()
        if r<0.15 and d<2: s+=cls(d+1)
        elif r<0.25 and d<2: s+="&&"+(cls(d+1) if random.random()<0.6 else random.choice(cls_items))
        else: s+=random.choice(cls_items)
    return s+"]"
def rx(d=0):
    out=""
    for _ in range(random.randint(1,4)):
        r=random.random()
        if r<0.45: a=random.choice(atoms)
        elif r<0.6: a=cls(0)
        elif r<0.85 and d<3:
            kind=random.choice(["(", "(?:", "(?<g>", "(?=", "(?!", "(?<=", "(?<!", "(?>", "(?%s:"%random.choice(flags)])
            a=kind+rx(d+1)+(("|"+rx(d+1)) if random.random()<0.3 else "")+")"
        else: a="(?%s)"%random.choice(flags)
        if random.random()<0.3 and not a.startswith("(?") or (a.startswith("(?") and a.endswith(")") and not a.endswith("i)") and random.random()<0.1): a+=random.choice(quants)
        out+=a
    return out
alpha=["a","b","c","A","B","é","É","e","\u0301","_","-",".","1","\u0661"," ","\n","\r","\u0085","\u2028","x","ab","aa"]
f=open(sys.argv[2],"w",encoding="utf-8")
for i in range(int(sys.argv[3])):
    p=rx()
    for j in range(3):
        s="".join(random.choice(alpha) for _ in range(random.randint(0,6)))
        f.write(json.dumps({"id":"g%d_%d"%(i,j),"pattern":p,"input":s,"replacement":random.choice(["x","<$0>","$1","${g}","[$1|${g}]"])},ensure_ascii=False)+"\n")
