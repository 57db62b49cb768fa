import sqlparse
sql = "select a, b as bee, count(*) from t join u on t.id=u.id where x > 1 and y in (select z from w) group by a; insert into t values (1,'x');"
for st in sqlparse.parse(sql):
    print(st.get_type(), [str(t) for t in st.tokens if not t.is_whitespace][:4])
print(sqlparse.format(sql, reindent=True, keyword_case="upper"))
print(sqlparse.split(sql))
print(sqlparse.format("select 1 -- c\n/* x */ from t", strip_comments=True).strip())
